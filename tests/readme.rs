//! The README's examples are run, so they stay true: every `console` block's commands are run
//! and the lines shown must appear, in order, in their real output; the complete scenario
//! example of docs/SCENARIOS.md loads and runs.

mod common;

use std::path::Path;

#[test]
fn the_scenario_format_example_loads_and_runs() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/SCENARIOS.md"))
            .expect("docs/SCENARIOS.md");
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
    // the workbench is named in the quickstart (issue 15)
    let quickstart = &readme[readme.find("## Quickstart").expect("a quickstart")..];
    let quickstart = &quickstart[..quickstart[3..]
        .find("\n## ")
        .map_or(quickstart.len(), |i| i + 3)];
    assert!(
        quickstart.contains("cargo run --release -- serve"),
        "{quickstart}"
    );
    assert!(root.join("scenarios/cti.toml").is_file());
    let ci = std::fs::read_to_string(root.join(".ci/run")).expect(".ci/run");
    assert!(readme.contains("cargo test ") && ci.contains("\ncargo test\n"));
}

/// The commands of the README's `console` blocks, each with the lines shown under it.
fn console_examples(readme: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut inside = false;
    for line in readme.lines() {
        if line.starts_with("```console") {
            inside = true;
        } else if inside && line.starts_with("```") {
            inside = false;
        } else if inside {
            match line.strip_prefix("$ ") {
                Some(cmd) => out.push((cmd.to_string(), Vec::new())),
                None => {
                    if let Some(last) = out.last_mut() {
                        last.1.push(line.trim_end().to_string());
                    }
                }
            }
        }
    }
    out
}

#[test]
fn every_readme_example_prints_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let examples = console_examples(&readme);
    assert!(
        examples.len() >= 7,
        "the README shows an example per analysis"
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    for (cmd, shown) in examples {
        let mut args: Vec<String> = cmd.split_whitespace().map(String::from).collect();
        assert_eq!(args.remove(0), "soem", "{cmd}");
        // a folder the example writes goes to a temporary folder instead
        let mut shown = shown;
        if let Some(i) = args.iter().position(|a| a == "--out") {
            // the same file name (its extension picks the format), in the temporary folder
            let name = Path::new(&args[i + 1])
                .file_name()
                .expect("a file name")
                .to_owned();
            let dir = tmp.path().join(name);
            for line in &mut shown {
                *line = line.replace(&args[i + 1], &dir.to_string_lossy());
            }
            args[i + 1] = dir.to_string_lossy().into_owned();
        }
        let out = common::soem().args(&args).output().expect("runs");
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let mut actual = text.lines().map(str::trim_end);
        for want in shown.iter().filter(|l| l.as_str() != "…") {
            assert!(
                actual.any(|l| l == want),
                "{cmd}: the README shows a line the command does not print (in this order):\n{want}\n\nit prints:\n{text}"
            );
        }
    }
}
