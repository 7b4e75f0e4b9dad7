//! Statistical tests with known answers, reproducibility and comparison.

use super::*;
use crate::dist::Dist;

use crate::testing::{parse, shipped};

pub(super) fn opt(draws: u64, seed: u64) -> Options {
    Options {
        draws,
        seed,
        interval: 0.9,
        confidence: Some(0.8),
        by_year: false,
        at_least: None,
        sensitivity: false,
        decision_key: None,
        sampling: None,
        auto: None,
    }
}

/// 100 participants, one own item saving 1 unit × 1.000 kr. per successful participant in
/// year 2025, costs 20.000 kr. in 2024, no discounting: PV(s) = 100.000·s − 20.000.
const LINEAR: &str = r#"
[settings]
price_year = 2024
discount_rate = 0.0
[[intervention]]
id = "a"
start_year = 2024
years = 1
course_years = 1.0
participants = [100]
success_rate = 0.3
result_period = [2024, 2030]
costs = { kommune = [20000] }
[[intervention.consequence]]
item = "x"
name = "X"
area = "egen"
unit = "stk"
kind = "expenditure"
values = [-1]
fade = false
prices = { kommune = 1000 }
"#;

/// `f` on a pool of `threads` threads.
pub(super) fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

/// The JSON of `f`'s result, which must be the same on 1, 2 and 3 threads.
pub(super) fn same_on_any_thread_count<T: serde::Serialize>(f: impl Fn() -> T + Sync) -> String {
    let json = |threads| on_threads(threads, || serde_json::to_string(&f()).expect("JSON"));
    let one = json(1);
    assert_eq!(one, json(2));
    assert_eq!(one, json(3));
    one
}

fn with_uncertainty(extra: &str) -> String {
    format!("{LINEAR}[intervention.uncertainty]\n{extra}\n")
}

fn run1(sc: &Scenario, o: &Options) -> McResult {
    run(sc, "kb", o, &crate::observer::Quiet).unwrap().remove(0)
}

#[test]
fn the_risk_profile_of_a_uniform_pv_is_a_straight_line() {
    // s ~ U(0.1, 0.5) → PV ~ U(−10.000, 30.000): P(PV ≤ a) = (a + 10.000) / 40.000, so the
    // profile's amount at probability p is −10.000 + 40.000·p, from p = 0.5 % to 99.5 %
    let sc = parse(&with_uncertainty(
        "success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }",
    ));
    let r = run1(&sc, &opt(200_000, 1));
    let s = r.pv.get("total").unwrap();
    assert_eq!(s.cdf.len(), summary::CDF_POINTS);
    assert!((s.cdf[0][1] - 0.005).abs() < 1e-15 && (s.cdf[100][1] - 0.995).abs() < 1e-15);
    for (i, [amount, p]) in s.cdf.iter().enumerate() {
        assert!((p - (0.005 + 0.0099 * i as f64)).abs() < 1e-12, "{i}");
        // sampling error of a quantile at n = 200.000: well under 1 % of the range
        assert!(
            (amount - (-10_000.0 + 40_000.0 * p)).abs() < 250.0,
            "{i}: {amount} at {p}"
        );
    }
    assert!(
        s.cdf.windows(2).all(|w| w[0][0] <= w[1][0]),
        "non-decreasing"
    );
    // the profile's ends are the histogram's range and its median point the median
    assert!((s.cdf[50][0] - s.p50).abs() < 1e-9);
}

#[test]
fn the_precision_of_the_estimates_by_hand() {
    // PV ~ U(−10.000, 30.000) at n = 200.000: sd = 40.000/√12; mean_se = sd/√n exactly (of the
    // draws' own sd); P(PV > 0) = 0.75 → √(0.75·0.25/n); an interval end q = 5 % has the
    // order-statistic se 40.000·√(q(1 − q)/n) = 19,5 kr. (the density is 1/40.000 everywhere)
    let sc = parse(&with_uncertainty(
        "success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }",
    ));
    let n: f64 = 200_000.0;
    let r = run1(&sc, &opt(200_000, 1));
    let s = r.pv.get("total").unwrap();
    let pr = &s.precision;
    assert!((pr.mean_se - s.sd / n.sqrt()).abs() < 1e-9);
    assert!((pr.mean_se - 40_000.0 / 12f64.sqrt() / n.sqrt()).abs() < 0.5);
    assert!((pr.p_positive_se - (s.p_positive * (1.0 - s.p_positive) / n).sqrt()).abs() < 1e-15);
    let want = 40_000.0 * (0.05f64 * 0.95 / n).sqrt();
    for se in pr.interval_se {
        // about 195 draws lie between the two order statistics: some 7 % sampling error
        assert!((se / want - 1.0).abs() < 0.25, "{se} vs {want}");
    }
    // and the interval ends of independent runs do scatter by about that much
    let lows: Vec<f64> = (0..24)
        .map(|seed| {
            run1(&sc, &opt(20_000, 100 + seed))
                .pv
                .get("total")
                .unwrap()
                .interval[0]
        })
        .collect();
    let m = lows.iter().sum::<f64>() / lows.len() as f64;
    let sd = (lows.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (lows.len() - 1) as f64).sqrt();
    let want = 40_000.0 * (0.05f64 * 0.95 / 20_000.0).sqrt();
    assert!((sd / want - 1.0).abs() < 0.5, "{sd} vs {want}");
}

#[test]
fn a_pilots_result_as_the_success_rate() {
    // 4 of 25 succeeded, 5 % would have anyway: s = Beta(5, 22) − 0.05, PV = 100.000·s − 20.000;
    // the PV's median is 100.000·(0.177351 − 0.05) − 20.000 (scipy.stats.beta.ppf(0.5, 5, 22))
    let sc = parse(&with_uncertainty(
        "success_rate = { dist = \"pilot\", successes = 4, participants = 25, counterfactual = 0.05 }",
    ));
    let r = run1(&sc, &opt(200_000, 1));
    let p50 = r.pv.get("total").unwrap().p50;
    let want = 100_000.0 * (0.17735077396280782 - 0.05) - 20_000.0;
    assert!((p50 - want).abs() < 150.0, "{p50} vs {want}");
    // a pilot describes a success rate, not a factor
    let e = crate::scenario::parse(
        "t.toml".as_ref(),
        &with_uncertainty("costs = { dist = \"pilot\", successes = 4, participants = 25 }"),
        &crate::testing::kb(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("uncertainty.costs.dist") && e.contains("success rate"),
        "{e}"
    );
}

#[test]
fn latin_hypercube_sampling_beats_plain_sampling_on_a_linear_pv() {
    // PV = 100.000·s − 20.000 with s ~ U(0.1, 0.5) and two item factors ~ U(0.8, 1.2) per all:
    // E[PV] = 100.000·0.3·1 − 20.000 = 10.000. At 1.000 draws plain sampling's mean is off by
    // about sd/√n (hundreds of kroner); stratified in every input it is off by far less
    let sc = parse(&with_uncertainty(
        "success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }\n\
         costs = { dist = \"uniform\", min = 0.8, max = 1.2 }",
    ));
    let error = |sampling| -> f64 {
        (0..12)
            .map(|seed| {
                let o = Options {
                    sampling: Some(sampling),
                    confidence: None,
                    ..opt(1000, 50 + seed)
                };
                (run1(&sc, &o).pv.get("total").unwrap().mean - 10_000.0).abs()
            })
            .sum::<f64>()
            / 12.0
    };
    let (plain, lhs) = (
        error(crate::scenario::Sampling::Random),
        error(crate::scenario::Sampling::Lhs),
    );
    assert!(plain > 100.0, "plain sampling's error {plain}");
    assert!(lhs < plain / 20.0, "LHS {lhs} vs plain {plain}");
    // the marginals stay as they were: the uniform PV's quantiles
    let o = Options {
        sampling: Some(crate::scenario::Sampling::Lhs),
        ..opt(40_960, 3)
    };
    let one = parse(&with_uncertainty(
        "success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }",
    ));
    let r = run1(&one, &o);
    let s = r.pv.get("total").unwrap();
    assert!(
        (s.p5 - (-10_000.0 + 40_000.0 * 0.05)).abs() < 30.0,
        "{}",
        s.p5
    );
    assert!((s.p50 - 10_000.0).abs() < 30.0, "{}", s.p50);
    // its precision from the chunks as replicates is far better than plain sampling's formula
    let random = run1(&one, &opt(40_960, 3))
        .pv
        .get("total")
        .unwrap()
        .precision
        .mean_se;
    assert!(
        s.precision.mean_se < random / 10.0,
        "{} vs {random}",
        s.precision.mean_se
    );
    // and the same on any number of threads, with a correlation as well
    let text = format!(
        "{}\n[[correlation]]\ninputs = [\"a.success_rate\", \"a.costs\"]\nrank = -0.4\n",
        with_uncertainty(
            "success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }\n\
             costs = { dist = \"uniform\", min = 0.8, max = 1.2 }"
        )
    );
    let both = parse(&text);
    same_on_any_thread_count(|| run1(&both, &o));
    let r = run1(&both, &o);
    let c = r.correlation.as_ref().unwrap();
    assert!((c.achieved[0][1] + 0.4).abs() < 0.01, "{:?}", c.achieved);
}

#[test]
fn automatic_draws_stop_at_the_precision_asked_for() {
    // PV ~ U(−10.000, 30.000): an interval end's standard error is 40.000·√(0.05·0.95/n), so a
    // precision of 50 kr. needs n ≥ 30.400 draws
    let text = |extra: &str| {
        format!(
            "{}\n[monte_carlo]\ndraws = \"auto\"\nprecision = 50\n{extra}",
            with_uncertainty("success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }")
        )
    };
    let sc = parse(&text(""));
    let auto = sc.monte_carlo.auto.expect("auto");
    let o = Options {
        draws: sc.monte_carlo.draws,
        auto: Some(auto),
        confidence: None,
        ..opt(0, 1)
    };
    let r = run1(&sc, &o);
    let a = r.auto.expect("an automatic run");
    assert!(a.reached && a.se <= 50.0, "{a:?}");
    assert!(
        r.draws >= 30_400 && r.draws.is_multiple_of(2048),
        "{}",
        r.draws
    );
    assert_eq!(r.provenance.draws, r.draws);
    // not far beyond what is needed (one round of 10 % more)
    assert!(r.draws < 45_000, "{}", r.draws);
    // reproducible
    let again = run1(&sc, &o);
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
    // a ceiling below the need stops it there, and says so
    let capped = parse(&text("max_draws = 20480\n"));
    let o = Options {
        auto: capped.monte_carlo.auto,
        ..o
    };
    let r = run1(&capped, &o);
    let a = r.auto.unwrap();
    assert!(!a.reached && a.se > 50.0);
    assert_eq!(r.draws, 20_480);
    // the file's checks
    let bad = |extra: &str| {
        crate::scenario::parse(
            "t.toml".as_ref(),
            &format!("{LINEAR}\n[monte_carlo]\n{extra}\n"),
            &crate::testing::kb(),
        )
        .unwrap_err()
        .to_string()
    };
    assert!(bad("draws = \"auto\"").contains("needs a precision"));
    assert!(bad("precision = 5000").contains("goes with draws = \"auto\""));
    assert!(bad("draws = \"many\"").contains("or \"auto\""));
    assert!(bad("draws = \"auto\"\nprecision = 100\nmax_draws = 50").contains("at least 10240"));
}

#[test]
fn the_chance_of_at_least_an_amount_by_hand() {
    // PV ~ U(−10.000, 30.000): P(PV ≥ 0) = 0.75, P(PV ≥ 20.000) = 0.25, P(PV ≥ 40.000) = 0
    let sc = parse(&with_uncertainty(
        "success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }",
    ));
    for (amount, want) in [
        (0.0, 0.75),
        (20_000.0, 0.25),
        (40_000.0, 0.0),
        (-20_000.0, 1.0),
    ] {
        let o = Options {
            at_least: Some(amount),
            ..opt(200_000, 1)
        };
        let a = run1(&sc, &o).at_least.expect("asked");
        assert_eq!(a.amount, amount);
        // binomial sampling error at n = 200.000: sd ≤ 0.0011
        assert!((a.p - want).abs() < 0.005, "{amount}: {}", a.p);
    }
    assert!(
        run1(&sc, &opt(1000, 1)).at_least.is_none(),
        "only when asked"
    );
}

#[test]
fn uniform_success_rate_gives_a_uniform_pv_with_exact_quantiles() {
    // s ~ U(0.1, 0.5) → PV ~ U(−10.000, 30.000): p_q = −10.000 + 40.000·q; P(PV > 0) = 0.75
    let sc = parse(&with_uncertainty(
        "success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }",
    ));
    let r = run1(&sc, &opt(200_000, 1));
    let s = r.pv.get("total").unwrap();
    let range = 40_000.0;
    for (q, got) in [
        (0.01, s.p1),
        (0.05, s.p5),
        (0.25, s.p25),
        (0.5, s.p50),
        (0.75, s.p75),
        (0.95, s.p95),
        (0.99, s.p99),
    ] {
        let want = -10_000.0 + range * q;
        assert!((got - want).abs() < 0.005 * range, "p{q}: {got} vs {want}");
    }
    assert!((s.interval[0] - s.p5).abs() < 1e-9 && (s.interval[1] - s.p95).abs() < 1e-9);
    assert!((s.p_positive - 0.75).abs() < 0.005);
    assert!((s.mean - 10_000.0).abs() < 100.0);
    // sd of U(a, b) = (b − a)/√12
    assert!((s.sd - range / 12f64.sqrt()).abs() < 0.01 * range / 12f64.sqrt());
    // break-even in 2025 exactly when s ≥ 0.2 (75 %), else none
    let b = r.break_even_year.get("total").unwrap();
    assert_eq!(b.p50, Some(2025.0));
    assert!((b.share_none - 0.25).abs() < 0.005);
    // region and stat get nothing: PV 0, never > 0
    assert_eq!(r.pv.get("region").unwrap().p_positive, 0.0);
    // required rate without other uncertainty: 20.000 / 100.000 = 0.2 for any confidence
    let req = r.required_success_rate.as_ref().unwrap();
    assert!((req.success_rate.get("total").unwrap().unwrap() - 0.2).abs() < 1e-12);
    assert_eq!(*req.success_rate.get("region").unwrap(), None);
}

#[test]
fn histogram_and_break_even_distribution_of_a_uniform_pv() {
    // s ~ U(0.1, 0.5) → PV ~ U(−10.000, 30.000): the histogram spans p0.5 … p99.5 = −9.800 …
    // 29.800 in 40 bins of 990 kr., each holding 0.99/40 of the draws (the end bins 0.5 % more);
    // break-even in 2025 for 75 % of the draws and in no other year
    let sc = parse(&with_uncertainty(
        "success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }",
    ));
    let n = 200_000;
    let r = run1(&sc, &opt(n, 5));
    let h = &r.histogram;
    assert_eq!((h.edges.len(), h.counts.len()), (41, 40));
    assert!(
        (h.edges[0] + 9_800.0).abs() < 0.005 * 40_000.0,
        "{}",
        h.edges[0]
    );
    assert!(
        (h.edges[40] - 29_800.0).abs() < 0.005 * 40_000.0,
        "{}",
        h.edges[40]
    );
    assert_eq!(h.counts.iter().sum::<u64>(), n);
    let per_bin = 0.99 / 40.0 * n as f64;
    for (b, c) in h.counts.iter().enumerate() {
        let want = per_bin
            + if b == 0 || b == 39 {
                0.005 * n as f64
            } else {
                0.0
            };
        // binomial sd ≈ √(n·p) ≈ 70 draws; 5 sd
        assert!((*c as f64 - want).abs() < 350.0, "bin {b}: {c} vs {want}");
    }
    let d = &r.break_even_distribution;
    assert_eq!(d.first().map(|(y, _)| *y), Some(2024));
    for (year, share) in d {
        let want = if *year == 2025 { 0.75 } else { 0.0 };
        assert!((share - want).abs() < 0.005, "{year}: {share}");
    }
    let none = r.break_even_year.get("total").unwrap().share_none;
    assert!((d.iter().map(|(_, s)| s).sum::<f64>() + none - 1.0).abs() < 1e-12);
}

#[test]
fn independent_factors_add_up_to_the_known_mean_and_variance() {
    // three items worth 50.000, 100.000 and 150.000 at s = 0.5, each × U(0.8, 1.2):
    // mean 300.000 − 20.000; var = 0.4²/12 · (5² + 10² + 15²)·10⁸
    let text = LINEAR.replace("success_rate = 0.3", "success_rate = 0.5").replace(
        "prices = { kommune = 1000 }",
        "prices = { kommune = 1000 }\n[[intervention.consequence]]\nitem = \"y\"\nname = \"Y\"\narea = \"egen\"\nunit = \"stk\"\nkind = \"expenditure\"\nvalues = [-1]\nfade = false\nprices = { kommune = 2000 }\n[[intervention.consequence]]\nitem = \"z\"\nname = \"Z\"\narea = \"egen\"\nunit = \"stk\"\nkind = \"expenditure\"\nvalues = [-1]\nfade = false\nprices = { kommune = 3000 }",
    );
    let sc = parse(&format!(
        "{text}[intervention.uncertainty]\nconsequences = {{ dist = \"uniform\", min = 0.8, max = 1.2, per = \"item\" }}\n"
    ));
    let n = 200_000;
    let r = run1(&sc, &opt(n, 3));
    let s = r.pv.get("total").unwrap();
    let sd = (0.16 / 12.0 * 3.5e10f64).sqrt();
    assert!(
        (s.mean - 280_000.0).abs() < 4.0 * sd / (n as f64).sqrt(),
        "{}",
        s.mean
    );
    assert!((s.sd - sd).abs() < 0.01 * sd, "{} vs {sd}", s.sd);
    assert_eq!(r.inputs.len(), 3);
    // one factor for all: var = 0.4²/12 · 300.000²
    let all = sc_with_scope(&text, "all");
    let s = run1(&all, &opt(n, 3)).pv.get("total").unwrap().clone();
    let sd_all = (0.16f64 / 12.0).sqrt() * 300_000.0;
    assert!((s.sd - sd_all).abs() < 0.01 * sd_all);
}

fn sc_with_scope(text: &str, per: &str) -> Scenario {
    parse(&format!(
        "{text}[intervention.uncertainty]\nconsequences = {{ dist = \"uniform\", min = 0.8, max = 1.2, per = \"{per}\" }}\n"
    ))
}

#[test]
fn zero_width_distributions_give_the_deterministic_result() {
    let mut sc = shipped("cti");
    let s0 = sc.interventions[0].success_rate;
    let u = &mut sc.interventions[0].uncertainty;
    u.success_rate = Some(Dist::Triangular {
        min: s0,
        mode: s0,
        max: s0,
    });
    for d in [&mut u.consequences, &mut u.prices].into_iter().flatten() {
        d.dist = Dist::Uniform { min: 1.0, max: 1.0 };
    }
    u.costs = Some(Dist::Normal {
        mean: 1.0,
        sd: 0.0,
        min: None,
        max: None,
    });
    let r = run1(&sc, &opt(5_000, 1));
    let c = crate::model::calculate(&sc, &sc.interventions[0]);
    for (key, s) in &r.pv.0 {
        let want = *c.pv.get(key).unwrap();
        for got in [s.mean, s.p1, s.p50, s.p99, s.interval[0], s.interval[1]] {
            assert!((got - want).abs() < 1e-6, "{key}: {got} vs {want}");
        }
        assert!(s.sd < 1e-6);
        let be = r.break_even_year.get(key).unwrap();
        match c.break_even_year.get(key).unwrap() {
            Some(y) => assert_eq!(be.p50, Some(f64::from(*y))),
            None => assert_eq!(be.share_none, 1.0),
        }
    }
}

#[test]
fn the_same_seed_gives_identical_results_on_one_and_two_threads() {
    let sc = shipped("sammenligning");
    let o = Options {
        by_year: true,
        ..opt(30_000, 9)
    };
    let one = same_on_any_thread_count(|| compare(&sc, "kb", &o, &crate::observer::Quiet).unwrap());
    // a different seed gives different numbers
    let other = serde_json::to_string(
        &compare(&sc, "kb", &opt(30_000, 10), &crate::observer::Quiet).unwrap(),
    )
    .unwrap();
    assert_ne!(one, other);
}

#[test]
fn an_intervention_compared_with_itself() {
    let one = with_uncertainty(
        "success_rate = { dist = \"triangular\", min = 0.1, mode = 0.3, max = 0.5 }\ncosts = { dist = \"pert\", min = 0.9, mode = 1.0, max = 1.4 }",
    );
    let second = one[one.find("[[intervention]]").unwrap()..].replace("id = \"a\"", "id = \"b\"");
    let sc = parse(&format!("{one}{second}"));
    let c = compare(&sc, "kb", &opt(20_000, 5), &crate::observer::Quiet).unwrap();
    let p = &c.pairs[0];
    assert_eq!(p.p_a_better, 0.5);
    assert_eq!(p.overlap_share, 1.0);
    let i = c.interventions[0].pv.get("total").unwrap().interval;
    assert_eq!(p.interval_overlap, Some(i));
    // the portfolio of two identical interventions is twice one of them
    assert!((c.portfolio.low - 2.0 * i[0]).abs() < 1e-6 * i[0].abs().max(1.0) + 1.0);
    // tied in every draw: the win and the places are shared
    for (_, list) in &c.ranking.0 {
        for r in list {
            assert_eq!((r.p_best, r.expected_rank), (0.5, 1.5), "{}", r.id);
        }
    }
}

#[test]
fn the_ranking_agrees_with_the_pairs_and_sums_up() {
    // three interventions: b and c are independent copies of a, c with double the costs
    let one = with_uncertainty("success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }");
    let iv = &one[one.find("[[intervention]]").unwrap()..];
    let b = iv.replace("id = \"a\"", "id = \"b\"\nindependent = true");
    let c3 = iv
        .replace("id = \"a\"", "id = \"c\"\nindependent = true")
        .replace("kommune = [20000]", "kommune = [40000]");
    let sc = parse(&format!("{one}{b}{c3}"));
    let c = compare(&sc, "kb", &opt(40_000, 3), &crate::observer::Quiet).unwrap();
    let total = c.ranking.get("total").expect("total");
    assert_eq!(total.len(), 3);
    // the win is shared out whole, and the places are 1 + 2 + 3 in every draw
    let wins: f64 = total.iter().map(|r| r.p_best).sum();
    let places: f64 = total.iter().map(|r| r.expected_rank).sum();
    assert!((wins - 1.0).abs() < 1e-12 && (places - 6.0).abs() < 1e-9);
    // c costs 20.000 more in every draw: it comes last more often than not
    assert_eq!(total[2].id, "c");
    // with two of them, P(best) of a is P(a > b) of the pair
    let two = parse(&format!("{one}{b}"));
    let c2 = compare(&two, "kb", &opt(40_000, 3), &crate::observer::Quiet).unwrap();
    let r = c2.ranking.get("total").expect("total");
    let a = r.iter().find(|x| x.id == "a").expect("a");
    assert!((a.p_best - c2.pairs[0].p_a_better).abs() < 1e-12);
    assert!((a.expected_rank - (2.0 - a.p_best)).abs() < 1e-12);
    assert_eq!(
        a.mean,
        c2.interventions[0].pv.get("total").expect("pv").mean
    );
}

#[test]
fn portfolio_low_is_above_the_sum_of_lows_for_independent_interventions() {
    let one = with_uncertainty("success_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }");
    let second = one[one.find("[[intervention]]").unwrap()..]
        .replace("id = \"a\"", "id = \"b\"\nindependent = true");
    let sc = parse(&format!("{one}{second}"));
    let c = compare(&sc, "kb", &opt(50_000, 2), &crate::observer::Quiet).unwrap();
    // independent: the sum's low end (≈ −10.000·2 + spread) is above the sum of low ends
    assert!(c.portfolio.low > c.portfolio.sum_of_lows + 1_000.0);
    // P(a > b) ≈ 0.5 for two independent copies
    assert!((c.pairs[0].p_a_better - 0.5).abs() < 0.01);
    // budget year 2024: the costs, −20.000 per intervention, no uncertainty
    let y = &c.portfolio.by_year[0];
    assert_eq!(y.year, 2024);
    assert!((y.net.get("total").unwrap().low + 40_000.0).abs() < 1e-6);
}

#[test]
fn required_rate_at_confidence_gives_that_chance() {
    // factor uncertainty only; at the required rate, P(PV ≥ 0) should be about 80 %
    let text = format!(
        "{LINEAR}[intervention.uncertainty]\nconsequences = {{ dist = \"uniform\", min = 0.5, max = 1.5, per = \"item\" }}\n"
    );
    let sc = parse(&text);
    let r = run1(&sc, &opt(100_000, 4));
    let s = r
        .required_success_rate
        .unwrap()
        .success_rate
        .get("total")
        .unwrap()
        .unwrap();
    // PV = 100.000·s·f − 20.000 ≥ 0 ⇔ f ≥ 0.2/s; P = (1.5 − 0.2/s) = 0.8 ⇒ s = 0.2/0.7
    assert!((s - 0.2 / 0.7).abs() < 0.003, "{s}");
}

#[test]
fn split_incentive_counts_actor_losses_while_the_total_gains() {
    // kommune pays 20.000 and gains nothing; stat gains 100.000·s
    let text = LINEAR.replace("prices = { kommune = 1000 }", "prices = { stat = 1000 }")
        + "[intervention.uncertainty]\nsuccess_rate = { dist = \"uniform\", min = 0.1, max = 0.5 }\n";
    let r = run1(&parse(&text), &opt(100_000, 6));
    let s = r.split_incentive.unwrap();
    // total > 0 ⇔ s > 0.2 (75 %); kommune always loses
    assert!((s.loses_while_total_gains.get("kommune").unwrap() - 0.75).abs() < 0.01);
    assert_eq!(
        *s.loses_while_total_gains.get("region").unwrap(),
        s.patterns
            .iter()
            .filter(|p| p.gains.contains(&"total".to_string()))
            .map(|p| p.share)
            .sum::<f64>()
    );
}

#[test]
fn bad_options_are_refused() {
    let sc = parse(LINEAR);
    let refused = |o: &Options| check(&sc, o).map_err(|e| e.to_string()).unwrap_err();
    assert!(refused(&opt(1, 1)).contains("draws"));
    let mut o = opt(100, 1);
    o.interval = 1.2;
    assert!(refused(&o).contains("interval"));
    let few = crate::limits::Limits::default().with(&crate::limits::DRAWS, 50);
    let small = crate::scenario::Scenario {
        limits: few,
        ..sc.clone()
    };
    match check(&small, &opt(100, 1)) {
        Err(crate::error::AnalysisError::Limit {
            got, max, variable, ..
        }) => {
            assert_eq!((got, max, variable), (100, 50, "SOEM_MAX_DRAWS"));
        }
        other => panic!("expected the draws limit, got {other:?}"),
    }
    assert!(
        compare(&sc, "kb", &opt(100, 1), &crate::observer::Quiet)
            .unwrap_err()
            .to_string()
            .contains("two or more")
    );
}

/// The scalar and the AVX2 paths give the same bits: every shipped scenario (all its
/// interventions jointly, as `compare` runs them, with per-year values) and the mc40 benchmark
/// with each family of distributions.
#[test]
fn scalar_and_avx2_paths_give_identical_bits() {
    let isa = engine::Isa::detect();
    if !isa.avx2() {
        eprintln!("this CPU has no AVX2: only the scalar path runs here");
        return;
    }
    let kb = crate::testing::kb();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // the shipped scenarios and the erfaringsdatabase cases (one has an overlap)
    let mut files: Vec<std::path::PathBuf> = ["scenarios", "scenarios/erfaringer"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).expect("scenarios/"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    for v in ["mc40", "mc40-pert", "mc40-normal", "mc40-lognormal"] {
        files.push(root.join(format!("benches/data/{v}.toml")));
    }
    files.sort();
    for path in files {
        let sc = crate::scenario::load(&path, &kb).expect("loads");
        let ivs: Vec<&Intervention> = sc.interventions.iter().collect();
        let plan = Plan::new(&sc, &ivs).expect("plan");
        let first = sc
            .interventions
            .iter()
            .map(|i| i.start_year)
            .min()
            .unwrap_or(2020);
        let extras = Outputs {
            by_year: true,
            portfolio_years: Some((first.min(2020), 40)),
        };
        let keep = years::Keep::all(years::columns(&plan, extras), 5_003);
        let run = |isa| {
            engine::run(
                &plan,
                5_003,
                11,
                extras,
                &keep,
                &crate::observer::Quiet,
                isa,
            )
        };
        let (a, b) = (run(isa), run(engine::Isa::scalar()));
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let name = path.display();
        assert_eq!(bits(&a.residual), bits(&b.residual), "{name}: PVs");
        assert_eq!(a.break_even, b.break_even, "{name}: break-even years");
        // per-year values arrive chunk by chunk in the order the chunks finish
        let sorted = |d: &Draws| -> Vec<Vec<u32>> {
            d.years
                .kept
                .iter()
                .map(|c| {
                    let mut v = bits(&c[0]);
                    v.sort_unstable();
                    v
                })
                .collect()
        };
        assert_eq!(sorted(&a), sorted(&b), "{name}: per-year values");
        let sums = |d: &Draws| {
            d.sum
                .iter()
                .chain(&d.sum_sq)
                .map(|x| x.to_bits())
                .collect::<Vec<_>>()
        };
        assert_eq!(sums(&a), sums(&b), "{name}: sums");
        assert_eq!((a.positive, a.patterns), (b.positive, b.patterns), "{name}");
    }
}

/// The portfolio's budget years summed in the engine equal the sum of each intervention's
/// per-year values (in f64, in intervention order), draw by draw.
#[test]
fn the_engine_sums_the_portfolio_years_like_the_interventions_add_up() {
    let sc = crate::testing::shipped("sammenligning");
    let ivs: Vec<&Intervention> = sc.interventions.iter().collect();
    let plan = Plan::new(&sc, &ivs).expect("plan");
    let first = plan.ivs.iter().map(|p| p.start_year).min().expect("ivs");
    let years = 30;
    let extras = Outputs {
        by_year: true,
        portfolio_years: Some((first, years)),
    };
    let keep = years::Keep::all(years::columns(&plan, extras), 3_001);
    // one thread: the chunks' values arrive in draw order
    let d = on_threads(1, || {
        engine::run(
            &plan,
            3_001,
            5,
            extras,
            &keep,
            &crate::observer::Quiet,
            engine::Isa::detect(),
        )
    });
    let keys = plan.ivs[0].keys.len();
    let value = |c: usize, i: usize| d.years.kept[c][0][i];
    for i in [0, 1, 1_500, 3_000] {
        for k in 0..keys {
            for t in 0..years {
                let mut s = 0.0f64;
                for (j, p) in plan.ivs.iter().enumerate() {
                    let u = first + t as i32 - p.start_year;
                    if u >= 0 && (u as usize) < p.horizon {
                        let at = d.year_offsets[j] + k * p.horizon + u as usize;
                        s += f64::from(value(at, i));
                    }
                }
                assert_eq!(value(d.year_row + k * years + t, i), s as f32);
            }
        }
    }
}
