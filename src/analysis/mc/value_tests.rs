//! What drives the uncertainty and what knowing more is worth: exact cases by hand, the sampling
//! estimators' agreement, the engine's own PV, and thread-count identity.

use super::anova::{Multilinear, factors, sampled, sobol, variance};
use super::*;
use crate::testing::{parse, shipped};

fn opt(draws: u64) -> Options {
    Options {
        confidence: None,
        sensitivity: true,
        ..super::tests::opt(draws, 7)
    }
}

/// One intervention, 100 participants, success rate `s`, costs `costs` in 2024, two own items
/// that save `px` and `py` kr. per successful participant in 2025; no discounting:
/// PV = 100·s·(px·fx + py·fy) − costs·fc.
fn two_items(s: &str, costs: f64, px: f64, py: f64, uncertainty: &str) -> String {
    format!(
        r#"
[settings]
price_year = 2024
discount_rate = 0.0
[[intervention]]
id = "a"
start_year = 2024
years = 1
course_years = 1.0
participants = [100]
success_rate = {s}
result_period = [2024, 2030]
costs = {{ kommune = [{costs}] }}
[[intervention.consequence]]
item = "x"
name = "X"
area = "egen"
unit = "stk"
kind = "expenditure"
values = [-1]
fade = false
prices = {{ kommune = {px} }}
[[intervention.consequence]]
item = "y"
name = "Y"
area = "egen"
unit = "stk"
kind = "expenditure"
values = [-1]
fade = false
prices = {{ kommune = {py} }}
[intervention.uncertainty]
{uncertainty}
"#
    )
}

const SHIPPED: [&str; 8] = [
    "adhd-rr2",
    "afdelinger",
    "alkohol-familie",
    "boern-angst",
    "cti",
    "hjemloese-icm",
    "psykisk-misbrug",
    "sammenligning",
];

/// Intervention "a" of a [`two_items`] file as another intervention `id` (after its
/// `[[intervention]]` line), with or without its uncertainty.
fn copy_of_a(file: &str, id: &str, with_uncertainty: bool) -> String {
    let iv = file
        .split("[[intervention]]")
        .nth(1)
        .expect("an intervention");
    let iv = if with_uncertainty {
        iv
    } else {
        iv.split("[intervention.uncertainty]").next().unwrap_or(iv)
    };
    iv.replace("id = \"a\"", &format!("id = \"{id}\""))
}

fn run1(sc: &Scenario, o: &Options) -> McResult {
    run(sc, "kb", o, &crate::observer::Quiet).unwrap().remove(0)
}

fn index<'a>(r: &'a McResult, input: &str) -> &'a SobolIndex {
    let list = r.sensitivity.as_ref().expect("asked").get("total").unwrap();
    list.iter().find(|i| i.input == input).expect(input)
}

fn evppi<'a>(v: &'a ValueOfInformation, input: &str) -> &'a Evppi {
    v.evppi.iter().find(|e| e.input == input).expect(input)
}

fn plan_of(sc: &Scenario) -> plan::Plan {
    let ivs: Vec<&Intervention> = sc.interventions.iter().collect();
    plan::Plan::new(sc, &ivs).unwrap()
}

#[test]
fn linear_in_independent_uniform_item_factors() {
    // s = 0.3 fixed: PV = 30.000·fx + 90.000·fy − 1.000 with fx, fy ~ U(0.8, 1.2) independent
    // (σ² = 0.4²/12 each): first order = total = cᵢ²/(c_x² + c_y²) = 900/9.000 and 8.100/9.000
    let sc = parse(&two_items(
        "0.3",
        1000.0,
        1000.0,
        3000.0,
        "consequences = { dist = \"uniform\", min = 0.8, max = 1.2, per = \"item\" }",
    ));
    let r = run1(&sc, &opt(20_000));
    for (input, want) in [("a.consequences.x", 0.1), ("a.consequences.y", 0.9)] {
        let i = index(&r, input);
        assert!((i.first_order - want).abs() < 1e-12, "{input}: {i:?}");
        assert!((i.total - want).abs() < 1e-12, "{input}: {i:?}");
    }
    assert_eq!(index(&r, "a.consequences.x").label, "X");
    // sorted by the total index
    let list = r.sensitivity.as_ref().unwrap().get("total").unwrap();
    assert_eq!(list[0].input, "a.consequences.y");
    // the variance by hand: (30.000² + 90.000²)·0.16/12 = 1.2e8
    let p = plan_of(&sc);
    assert!((variance(&p.ivs[0], 0) - 1.2e8).abs() < 1e-3);
}

#[test]
fn a_product_of_independent_inputs_from_the_moments_by_hand() {
    // PV = 100.000·s·X, s ~ U(0.1, 0.5), X ~ U(0.8, 1.2) (all consequences), no costs:
    // μ_s = 0.3, μ_X = 1, σ_s² = σ_X² = 0.16/12; V_s = 1e10·σ_s², V_X = 1e10·0.09·σ_X²,
    // V_sX = 1e10·σ_s²·σ_X²
    let sc = parse(&two_items(
        "0.3",
        0.0,
        1000.0,
        0.0,
        "success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }\n\
         consequences = { dist = \"uniform\", min = 0.8, max = 1.2, per = \"all\" }",
    ));
    let v2 = 0.16 / 12.0;
    let (vs, vx, vsx) = (1e10 * v2, 1e10 * 0.09 * v2, 1e10 * v2 * v2);
    let v = vs + vx + vsx;
    let r = run1(&sc, &opt(200_000));
    let s = index(&r, "a.success_rate");
    let x = index(&r, "a.consequences.all");
    for (got, want) in [
        (s.first_order, vs / v),
        (s.total, (vs + vsx) / v),
        (x.first_order, vx / v),
        (x.total, (vx + vsx) / v),
    ] {
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
    // the draws' variance agrees with the moments' (sampling error of a variance at 200.000
    // draws: about 0.3 %)
    let sd = r.pv.get("total").unwrap().sd;
    assert!((sd * sd / v - 1.0).abs() < 0.02, "{} vs {v}", sd * sd);
    // and a sampling estimator (Jansen's) agrees
    let p = plan_of(&sc);
    let f = factors(&p.ivs[0]);
    let ml = Multilinear::new(&p.ivs[0], &f, 0);
    let est = sampled(&|x| ml.eval(x), &f, 100_000, 3);
    let exact = sobol(&p.ivs[0], 0);
    for (fi, e) in f.iter().zip(&est) {
        let ex = exact.iter().find(|i| i.input == fi.name).unwrap();
        assert!(
            (e[0] - ex.first_order).abs() < 0.02,
            "{}: {e:?} {ex:?}",
            fi.name
        );
        assert!((e[1] - ex.total).abs() < 0.02, "{}: {e:?} {ex:?}", fi.name);
    }
}

#[test]
fn the_expansion_is_the_engines_pv_on_every_shipped_scenario() {
    use super::engine::{BLOCK, fill_block, pv};
    use super::rng;
    let mut checked = 0;
    for name in SHIPPED {
        let sc = shipped(name);
        let p = plan_of(&sc);
        let slots = p.slots.len();
        let ub = rng::Uniforms::new(&p, 1, 0, BLOCK)
            .next::<false>(BLOCK)
            .to_vec();
        for ip in &p.ivs {
            let f = factors(ip);
            let mut x = vec![0.0; BLOCK * ip.width];
            let mut s = [0.0; BLOCK];
            fill_block::<false>(ip, &ub, slots, BLOCK, &mut x, &mut s, None);
            for k in 0..ip.keys.len() {
                let ml = Multilinear::new(ip, &f, k);
                for i in 0..BLOCK {
                    let vals: Vec<f64> =
                        f.iter().map(|f| f.value(ub[i * slots + f.slot])).collect();
                    let (a, b) = (
                        pv(ip, &x[i * ip.width..(i + 1) * ip.width], k),
                        ml.eval(&vals),
                    );
                    assert!(
                        (a - b).abs() <= 1e-9 * (1.0 + a.abs()),
                        "{name} {} key {k} draw {i}: {a} vs {b}",
                        ip.id
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn zero_width_inputs_have_zero_index_and_zero_value() {
    let sc = parse(&two_items(
        "0.3",
        1000.0,
        1000.0,
        3000.0,
        "success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }\n\
         costs = { dist = \"uniform\", min = 1.0, max = 1.0 }",
    ));
    let r = run1(&sc, &opt(10_000));
    let c = index(&r, "a.costs");
    assert_eq!((c.first_order, c.total), (0.0, 0.0));
    assert_eq!(index(&r, "a.success_rate").total, 1.0);
    let v = r.value_of_information.as_ref().unwrap();
    let e = evppi(v, "a.costs");
    assert_eq!(e.value, 0.0);
}

#[test]
fn evpi_of_a_pv_affine_in_a_uniform_success_rate_in_closed_form() {
    // PV = 100.000·s − 20.000 (LINEAR of the other tests: one item of 1.000 kr., costs 20.000)
    // s ~ U(0.1, 0.5): PV ~ U(−10.000, 30.000), E[PV] = 10.000 → fund;
    //   E[max(PV, 0)] = 30.000²/(2·40.000) = 11.250, EVPI = 1.250
    // s ~ U(0, 0.3): PV ~ U(−20.000, 10.000), E[PV] = −5.000 → none;
    //   EVPI = E[max(PV, 0)] = 10.000²/(2·30.000)
    for (range, choice, want) in [
        ("min = 0.1, max = 0.5", "a", 1250.0),
        ("min = 0.0, max = 0.3", "none", 1e8 / 60_000.0),
    ] {
        let sc = parse(&two_items(
            "0.3",
            20_000.0,
            1000.0,
            0.0,
            &format!("success_rate = {{ dist = \"uniform\", {range} }}"),
        ));
        let r = run1(&sc, &opt(10_000));
        let v = r.value_of_information.unwrap();
        assert_eq!(v.choice, choice);
        assert_eq!(v.evpi_method, Method::Exact);
        assert!(
            (v.evpi - want).abs() < 0.01,
            "{range}: {} vs {want}",
            v.evpi
        );
        // the only uncertain input: knowing it is knowing everything
        let s = evppi(&v, "a.success_rate");
        assert_eq!(s.value, v.evpi);
    }
}

#[test]
fn a_group_from_the_draws_agrees_with_direct_sampling_and_keeps_the_order() {
    // success rate, costs and both item factors uncertain: the group of the two consequence
    // factors is valued over the draws
    let sc = parse(&two_items(
        "0.3",
        20_000.0,
        600.0,
        500.0,
        "success_rate = { dist = \"triangular\", min = 0.1, mode = 0.25, max = 0.5 }\n\
         costs = { dist = \"uniform\", min = 0.8, max = 1.3 }\n\
         consequences = { dist = \"pert\", min = 0.5, mode = 1.0, max = 1.6, per = \"item\" }",
    ));
    let r = run1(&sc, &opt(200_000));
    let v = r.value_of_information.as_ref().unwrap();
    let g = evppi(v, "a.consequences");
    assert_eq!(g.method, Method::Draws);
    assert_eq!(g.inputs, ["a.consequences.x", "a.consequences.y"]);
    // direct: E[max(f(X_x, X_y, μ_s, μ_c), 0)] − max(E PV, 0) with our own sampling
    let p = plan_of(&sc);
    let f = factors(&p.ivs[0]);
    let ml = Multilinear::new(&p.ivs[0], &f, 0);
    let mean: Vec<f64> = f.iter().map(|f| f.mean).collect();
    let base = ml.eval(&mean).max(0.0);
    use rand::{RngExt, SeedableRng};
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(11);
    let n = 400_000;
    let mut sum = 0.0;
    for _ in 0..n {
        let mut x = mean.clone();
        for (i, fi) in f.iter().enumerate() {
            if fi.name.starts_with("a.consequences") {
                x[i] = fi.value(rng.random_range(1e-12..1.0));
            }
        }
        sum += ml.eval(&x).max(0.0);
    }
    let direct = sum / n as f64 - base;
    let se = g.se.unwrap();
    assert!(se > 0.0);
    assert!(
        (g.value - direct).abs() < 4.0 * se * 1.2 + 1.0,
        "{} vs {direct} (se {se})",
        g.value
    );
    // nothing is worth more than knowing everything, and a group at least each of its parts
    for e in &v.evppi {
        assert!(e.value <= v.evpi, "{}: {} > {}", e.input, e.value, v.evpi);
    }
    for part in ["a.consequences.x", "a.consequences.y"] {
        let p = evppi(v, part);
        assert!(p.value <= g.value);
    }
    // sorted, most valuable first
    assert!(v.evppi.windows(2).all(|w| w[0].value >= w[1].value));
}

#[test]
fn a_group_whose_conditional_pv_keeps_its_sign_is_worth_nothing_exactly() {
    // PV = 30.000·fx + 90.000·fy − 1.000 with fx, fy in [0.8, 1.2]: at least 95.000 whatever
    // the factors, so knowing them cannot change the decision to fund
    let sc = parse(&two_items(
        "0.3",
        1000.0,
        1000.0,
        3000.0,
        "consequences = { dist = \"uniform\", min = 0.8, max = 1.2, per = \"item\" }",
    ));
    let v = run1(&sc, &opt(10_000)).value_of_information.unwrap();
    let g = evppi(&v, "a.consequences");
    assert_eq!((g.value, g.method), (0.0, Method::Exact));
    assert_eq!(
        v.evpi, 0.0,
        "every draw gains: the same choice is best in all of them"
    );
    // a range that crosses zero is valued over the draws
    let sc = parse(&two_items(
        "0.3",
        100_000.0,
        1000.0,
        3000.0,
        "consequences = { dist = \"uniform\", min = 0.5, max = 1.5, per = \"item\" }",
    ));
    let v = run1(&sc, &opt(10_000)).value_of_information.unwrap();
    let g = evppi(&v, "a.consequences");
    assert_eq!(g.method, Method::Draws);
    assert!(g.value > 0.0 && g.value <= v.evpi);
}

#[test]
fn the_value_of_information_is_the_same_on_any_number_of_threads() {
    let sc = parse(&two_items(
        "0.3",
        20_000.0,
        600.0,
        500.0,
        "success_rate = { dist = \"pert\", min = 0.1, mode = 0.25, max = 0.5 }\n\
         consequences = { dist = \"uniform\", min = 0.5, max = 1.5, per = \"item\" }",
    ));
    super::tests::same_on_any_thread_count(|| run1(&sc, &opt(30_000)));
}

#[test]
fn choosing_between_two_interventions_by_hand() {
    // a: PV = 100.000·s − 20.000 with s ~ U(0.1, 0.5); b: the same at a fixed 32 % → PV 12.000.
    // Best today: b (12.000 > 10.000). EVPI = E[max(PV_a, 12.000)] − 12.000
    //   = ∫ from 12.000 to 30.000 of (x − 12.000)/40.000 dx = 18.000²/80.000 = 4.050
    let one = two_items(
        "0.3",
        20_000.0,
        1000.0,
        0.0,
        "success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }",
    );
    let b = copy_of_a(&one, "b", false).replace("success_rate = 0.3", "success_rate = 0.32");
    let sc = parse(&format!("{one}\n[[intervention]]{b}"));
    let c = compare(&sc, "kb", &opt(10_000), &crate::observer::Quiet).unwrap();
    let v = c.value_of_information.unwrap();
    assert_eq!(v.options, ["a", "b"]);
    assert_eq!(v.choice, "b");
    assert!((v.expected - 12_000.0).abs() < 1e-6);
    assert_eq!(v.evpi_method, Method::Exact);
    assert!((v.evpi - 4050.0).abs() < 0.01, "{}", v.evpi);
    // the comparison's own results carry their sensitivity, not a decision of their own
    assert!(c.interventions[0].sensitivity.is_some());
    assert!(c.interventions[0].value_of_information.is_none());
}

#[test]
fn the_shipped_comparison_values_every_input_and_group() {
    let sc = shipped("sammenligning");
    let c = compare(&sc, "kb", &opt(20_000), &crate::observer::Quiet).unwrap();
    let v = c.value_of_information.unwrap();
    assert!(v.evpi >= 0.0);
    for e in &v.evppi {
        assert!(e.value >= 0.0 && e.value <= v.evpi, "{e:?} vs {}", v.evpi);
    }
    let names: Vec<&str> = v.evppi.iter().map(|e| e.input.as_str()).collect();
    assert!(names.contains(&"*.success_rate"), "{names:?}");
}

#[test]
fn a_decision_key_that_is_no_actor_is_refused() {
    let sc = parse(&two_items("0.3", 1.0, 1.0, 1.0, ""));
    let o = Options {
        decision_key: Some("borger".into()),
        ..opt(100)
    };
    let e = run(&sc, "kb", &o, &crate::observer::Quiet).unwrap_err();
    assert!(e.to_string().contains("total"), "{e}");
}

#[test]
fn correlated_item_factors_by_hand() {
    // PV = 30.000·fx + 90.000·fy − 1.000, fx, fy ~ U(0.8, 1.2) with rank correlation ρ = 0.5:
    // for uniform factors the rank correlation is their correlation, so
    // Var = σ²(c_x² + c_y² + 2ρ·c_x·c_y) with σ² = 0.16/12
    let text = two_items(
        "0.3",
        1000.0,
        1000.0,
        3000.0,
        "consequences = { dist = \"uniform\", min = 0.8, max = 1.2, per = \"item\" }",
    ) + "\n[[correlation]]\ninputs = [\"a.consequences.x\", \"a.consequences.y\"]\nrank = 0.5\n";
    let sc = parse(&text);
    let r = run1(&sc, &opt(100_000));
    let var: f64 = 0.16 / 12.0 * (9e8 + 8.1e9 + 2.0 * 0.5 * 2.7e9);
    let sd = r.pv.get("total").unwrap().sd;
    assert!(
        (sd / var.sqrt() - 1.0).abs() < 0.01,
        "{sd} vs {}",
        var.sqrt()
    );
    // the draws have the rank correlation asked for
    let c = r.correlation.as_ref().expect("declared");
    assert_eq!(c.inputs, ["a.consequences.x", "a.consequences.y"]);
    assert_eq!(c.requested[0][1], 0.5);
    assert!((c.achieved[0][1] - 0.5).abs() < 0.01, "{:?}", c.achieved);
    // Sobol indices are not defined for correlated inputs; the rank correlations with the PV
    // take their place: corr(f, PV) = (c_f + ρ·c_other)·σ/σ_PV, 0,971 for fy and 0,693 for fx
    // (Pearson's; Spearman's is within a few hundredths for these near-linear ranks)
    assert!(r.sensitivity.is_none());
    let ranks = r.rank_sensitivity.as_ref().unwrap().get("total").unwrap();
    assert_eq!(ranks[0].input, "a.consequences.y");
    let sd_pv = (9e8f64 + 8.1e9 + 2.7e9).sqrt();
    assert!(
        (ranks[0].rank_correlation - 105_000.0 / sd_pv).abs() < 0.03,
        "{ranks:?}"
    );
    assert!(
        (ranks[1].rank_correlation - 75_000.0 / sd_pv).abs() < 0.03,
        "{ranks:?}"
    );
    assert!((ranks[1].squared - ranks[1].rank_correlation.powi(2)).abs() < 1e-15);
    // knowing everything still has a value
    let v = r.value_of_information.as_ref().unwrap();
    assert!(v.evppi.is_empty());
    // the same on any number of threads
    super::tests::same_on_any_thread_count(|| run1(&sc, &opt(20_000)));
}

#[test]
fn inputs_that_are_one_draw_already_cannot_be_correlated() {
    // the same item's factor in two interventions is one draw (common random numbers)
    let one = two_items(
        "0.3",
        1000.0,
        1000.0,
        3000.0,
        "consequences = { dist = \"uniform\", min = 0.8, max = 1.2, per = \"item\" }",
    );
    let b = copy_of_a(&one, "b", true);
    let text = format!(
        "{one}\n[[intervention]]{b}\n[[correlation]]\ninputs = [\"a.consequences.x\", \"b.consequences.x\"]\nrank = 0.3\n"
    );
    let e = run(&parse(&text), "kb", &opt(100), &crate::observer::Quiet).unwrap_err();
    assert!(e.to_string().contains("independent = true"), "{e}");
}
