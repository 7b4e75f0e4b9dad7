//! The README's examples are run, so they stay true.

use std::path::Path;

#[test]
fn the_readme_scenario_example_loads_and_runs() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let start = readme.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("block end");
    let kb =
        soem::kb::KnowledgeBase::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"))
            .expect("kb");
    let sc = soem::scenario::parse(Path::new("README.md"), &readme[start..end], &kb)
        .expect("README example is valid");
    let iv = &sc.interventions[0];
    assert_eq!(sc.settings.actors.len(), 4);
    assert!(iv.items.iter().any(|i| i.id == "boligstoette"));
    assert!(!iv.items.iter().any(|i| i.id == "somatisk-skadestue"));
    assert!(iv.uncertainty.success_rate.is_some());
    let r = soem::model::calculate(&sc, iv);
    assert_eq!(r.net.keys().count(), 5);
}

#[test]
fn the_readme_quickstart_commands_are_the_ones_ci_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    assert!(readme.contains("cargo run --release -- report scenarios/cti.toml"));
    assert!(root.join("scenarios/cti.toml").is_file());
    let ci = std::fs::read_to_string(root.join(".ci/run")).expect(".ci/run");
    assert!(readme.contains("cargo test ") && ci.contains("\ncargo test\n"));
}
