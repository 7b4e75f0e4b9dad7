//! Property tests over random valid scenarios: the PV is affine in the success rate and linear in
//! each item's values and prices; the total is the sum of the actors.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use soem::kb::KnowledgeBase;
use soem::model::calculate;
use soem::scenario::{self, Scenario};

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| KnowledgeBase::load(Path::new("knowledge")).expect("shipped KB"))
}

#[derive(Debug, Clone)]
struct Item {
    kind: usize,
    values: Vec<f64>,
    prices: [f64; 3],
    fade: bool,
    during: Option<f64>,
}

fn item() -> impl Strategy<Value = Item> {
    (
        0usize..3,
        prop::collection::vec(-5.0f64..5.0, 1..12),
        [0.0f64..5000.0, 0.0f64..5000.0, 0.0f64..5000.0],
        any::<bool>(),
        prop::option::of(-3.0f64..3.0),
    )
        .prop_map(|(kind, values, prices, fade, during)| Item {
            kind,
            values,
            prices,
            fade,
            during,
        })
}

fn scenario_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(item(), 1..5),
        prop::collection::vec(0.0f64..60.0, 1..4),
        0.2f64..2.6,
        0.0f64..1.0,
        0.0f64..0.10,
        prop::collection::vec(0.0f64..2e6, 0..4),
        0i32..15,
        2018i32..2030,
    )
        .prop_map(|(items, parts, course, s, r, costs, period, start)| {
            let fmt = |v: &[f64]| v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(", ");
            let mut t = format!(
                "[settings]\ndiscount_rate = {r:?}\n[[intervention]]\nid = \"p\"\nstart_year = {start}\nyears = {}\ncourse_years = {course:?}\nparticipants = [{}]\nsuccess_rate = {s:?}\nresult_period = [{start}, {}]\ncosts = {{ kommune = [{}] }}\n",
                parts.len(),
                fmt(&parts),
                start + period,
                fmt(&costs)
            );
            for (i, it) in items.iter().enumerate() {
                t += &format!(
                    "[[intervention.consequence]]\nitem = \"i{i}\"\nname = \"I{i}\"\narea = \"a{}\"\nunit = \"u\"\nkind = \"{}\"\nvalues = [{}]\nfade = {}\nprices = {{ kommune = {:?}, region = {:?}, stat = {:?} }}\n",
                    i % 2,
                    ["expenditure", "revenue", "transfer"][it.kind],
                    fmt(&it.values),
                    it.fade,
                    it.prices[0],
                    it.prices[1],
                    it.prices[2]
                );
                if let Some(d) = it.during {
                    t += &format!("during = [{d:?}]\n");
                }
            }
            t
        })
}

fn parse(text: &str) -> Scenario {
    scenario::parse(Path::new("prop.toml"), text, kb()).expect("generated scenarios are valid")
}

fn pv_total(sc: &Scenario) -> f64 {
    *calculate(sc, &sc.interventions[0])
        .pv
        .get("total")
        .expect("pv")
}

fn tol(x: f64) -> f64 {
    1e-7 * (1.0 + x.abs())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn pv_is_affine_in_the_success_rate(text in scenario_text(), s in 0.0f64..1.0) {
        let mut sc = parse(&text);
        let at = |sc: &mut Scenario, s: f64| { sc.interventions[0].success_rate = s; pv_total(sc) };
        let (p0, p1, ps) = (at(&mut sc, 0.0), at(&mut sc, 1.0), at(&mut sc, s));
        prop_assert!((ps - (p0 + s * (p1 - p0))).abs() < tol(p0.abs() + p1.abs()));
    }

    #[test]
    fn pv_is_linear_in_each_items_values_and_prices(text in scenario_text(), which in 0usize..5, k in -2.0f64..3.0) {
        let sc = parse(&text);
        let base = calculate(&sc, &sc.interventions[0]);
        let j = which % sc.interventions[0].items.len();
        let item_pv = *base.items[j].pv.get("total").expect("item pv");
        let p = *base.pv.get("total").expect("pv");
        // scaling the item's values (and during) by k changes the PV by (k − 1) × its contribution
        let mut v = sc.clone();
        let it = &mut v.interventions[0].items[j];
        it.values.iter_mut().for_each(|x| *x *= k);
        it.during.iter_mut().for_each(|x| *x *= k);
        prop_assert!((pv_total(&v) - (p + (k - 1.0) * item_pv)).abs() < tol(p.abs() + item_pv.abs()));
        // and so does scaling its prices
        let mut q = sc.clone();
        q.interventions[0].items[j].prices.iter_mut().for_each(|x| *x *= k);
        prop_assert!((pv_total(&q) - (p + (k - 1.0) * item_pv)).abs() < tol(p.abs() + item_pv.abs()));
    }

    #[test]
    fn total_is_the_sum_of_actors_and_areas(text in scenario_text()) {
        let sc = parse(&text);
        let r = calculate(&sc, &sc.interventions[0]);
        let total = r.net.get("total").expect("total");
        for t in 0..r.years.len() {
            let by_actor: f64 = r.net.0.iter().skip(1).map(|(_, v)| v[t]).sum();
            let by_area: f64 = r.areas.iter().map(|a| a.net[t]).sum();
            prop_assert!((by_actor - total[t]).abs() < tol(total[t]));
            prop_assert!((by_area - total[t]).abs() < tol(total[t]));
        }
        let pv_actors: f64 = r.pv.0.iter().skip(1).map(|(_, v)| v).sum();
        prop_assert!((pv_actors - r.pv.get("total").expect("pv")).abs() < tol(pv_actors));
    }

    #[test]
    fn requirement_round_trips_to_the_target(text in scenario_text(), target in -2.0e6f64..2.0e6) {
        let sc = parse(&text);
        for t in [soem::analysis::require::Target::BreakEven, soem::analysis::require::Target::Amount(target)] {
            let r = &soem::analysis::require::run(&sc, &t).expect("require")[0];
            for (key, d) in &r.details.0 {
                if let Some(s) = d.success_rate {
                    let mut at = sc.clone();
                    at.interventions[0].success_rate = s;
                    let pv = *calculate(&at, &at.interventions[0]).pv.get(key).expect("pv");
                    // within 1 kr. (relative for very large amounts)
                    prop_assert!((pv - d.target).abs() < 1.0f64.max(1e-9 * d.pv_at_zero.abs()), "{key}: {pv} vs {}", d.target);
                }
            }
        }
    }

    #[test]
    fn tornado_bars_bracket_the_base_for_items(text in scenario_text(), delta in 0.0f64..0.9) {
        let sc = parse(&text);
        let opt = soem::analysis::tornado::Options { delta, ..Default::default() };
        let t = &soem::analysis::tornado::run(&sc, &opt).expect("tornado")[0];
        prop_assert!(t.bars.windows(2).all(|w| w[0].swing >= w[1].swing));
        for b in &t.bars {
            prop_assert!(b.low <= b.high);
            if matches!(b.kind, soem::analysis::tornado::BarKind::Item | soem::analysis::tornado::BarKind::Area | soem::analysis::tornado::BarKind::Costs | soem::analysis::tornado::BarKind::Prices) {
                prop_assert!(b.low <= t.base + tol(t.base) && t.base <= b.high + tol(t.base));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn monte_carlo_with_zero_width_inputs_is_the_deterministic_result(text in scenario_text(), seed in 0u64..1000) {
        use soem::dist::Dist;
        let mut sc = parse(&text);
        let s0 = sc.interventions[0].success_rate;
        sc.interventions[0].uncertainty.success_rate = Some(Dist::Uniform { min: s0, max: s0 });
        sc.interventions[0].uncertainty.costs = Some(Dist::Fixed { value: 1.0 });
        let o = soem::analysis::mc::Options { draws: 500, seed, interval: 0.9, confidence: None, by_year: false, at_least: None, sensitivity: false, decision_key: None, sampling: None, auto: None };
        let r = &soem::analysis::mc::run(&sc, "kb", &o, &soem::observer::Quiet).expect("mc")[0];
        let c = calculate(&sc, &sc.interventions[0]);
        for (key, st) in &r.pv.0 {
            let want = *c.pv.get(key).expect("pv");
            prop_assert!((st.mean - want).abs() < tol(want) && (st.p50 - want).abs() < tol(want));
            let be = r.break_even_year.get(key).expect("be");
            match c.break_even_year.get(key).expect("be") {
                Some(y) => prop_assert_eq!(be.p50, Some(f64::from(*y))),
                None => prop_assert_eq!(be.share_none, 1.0),
            }
        }
    }

    #[test]
    fn monte_carlo_is_independent_of_the_thread_count(text in scenario_text(), seed in 0u64..1000) {
        use soem::dist::Dist;
        let mut sc = parse(&text);
        sc.interventions[0].uncertainty.success_rate = Some(Dist::Triangular { min: 0.0, mode: 0.2, max: 0.6 });
        let o = soem::analysis::mc::Options { draws: 5000, seed, interval: 0.9, confidence: Some(0.8), by_year: true, at_least: None, sensitivity: false, decision_key: None, sampling: None, auto: None };
        let json = |n: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("pool");
            pool.install(|| serde_json::to_string(&soem::analysis::mc::run(&sc, "kb", &o, &soem::observer::Quiet).expect("mc")).expect("json"))
        };
        prop_assert_eq!(json(1), json(2));
    }

    #[test]
    fn comparing_an_intervention_with_itself_gives_one_half_and_full_overlap(text in scenario_text(), seed in 0u64..1000) {
        use soem::dist::Dist;
        // the same intervention twice (another id): common random numbers make every draw equal
        let start = text.find("[[intervention]]").expect("intervention");
        let twice = format!("{text}{}", text[start..].replacen("id = \"p\"", "id = \"q\"", 1));
        let mut sc = parse(&twice);
        for iv in &mut sc.interventions {
            iv.uncertainty.success_rate = Some(Dist::Triangular { min: 0.0, mode: 0.2, max: 0.6 });
            iv.uncertainty.costs = Some(Dist::Uniform { min: 0.8, max: 1.3 });
        }
        let o = soem::analysis::mc::Options { draws: 2000, seed, interval: 0.9, confidence: None, by_year: false, at_least: None, sensitivity: false, decision_key: None, sampling: None, auto: None };
        let c = soem::analysis::mc::compare(&sc, "kb", &o, &soem::observer::Quiet).expect("compare");
        let pair = &c.pairs[0];
        prop_assert_eq!(pair.p_a_better, 0.5);
        prop_assert_eq!(pair.overlap_share, 1.0);
    }
}
