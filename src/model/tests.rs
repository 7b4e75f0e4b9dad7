//! Hand-computed checks of every rule in SPEC §3.

use std::path::Path;

use super::*;
use crate::kb::KnowledgeBase;
use crate::scenario::{self, Scenario};

fn kb() -> KnowledgeBase {
    KnowledgeBase::load(Path::new("knowledge")).expect("shipped knowledge base")
}

fn scen(toml: &str) -> Scenario {
    scenario::parse(Path::new("test.toml"), toml, &kb()).expect("valid scenario")
}

fn calc(toml: &str) -> Calculation {
    let sc = scen(toml);
    calculate(&sc, &sc.interventions[0])
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-6, "{a} != {b}");
}

fn series<'a>(r: &'a Calculation, key: &str) -> &'a [f64] {
    r.net.get(key).expect("actor")
}

/// One own item, one participant, success rate 1, P = S = 2024.
fn one_item(kind: &str, values: &str, prices: &str, extra: &str) -> String {
    format!(
        r#"
[settings]
price_year = 2024
[[intervention]]
id = "t"
start_year = 2024
years = 1
participants = [1]
success_rate = 1.0
{extra}
[[intervention.consequence]]
item = "x"
name = "X"
area = "brugerdefineret"
unit = "uger"
kind = "{kind}"
values = {values}
fade = false
prices = {prices}
"#
    )
}

#[test]
fn fade_is_linear_to_zero_in_year_20() {
    let v = [-2.9, -2.3, -1.7, -1.0, -0.6, -0.3];
    let (f, st) = fade_values(&v, &[Status::Estimate; 6], true);
    close(f[5], -0.3);
    close(f[6], -0.3 * 13.0 / 14.0); // year 7
    close(f[18], -0.3 * 1.0 / 14.0); // year 19
    close(f[19], 0.0); // year 20
    assert_eq!(st[5], Status::Estimate);
    assert_eq!(st[6], Status::Forecast);
}

#[test]
fn no_fade_gives_zeros_after_k() {
    let (f, _) = fade_values(&[1.0, 2.0], &[Status::Estimate; 2], false);
    assert_eq!(&f[..3], &[1.0, 2.0, 0.0]);
    assert!(f[2..].iter().all(|x| *x == 0.0));
}

#[test]
fn values_past_year_20_are_ignored_with_a_warning() {
    let vals = format!("[{}]", vec!["1.0"; 22].join(", "));
    let sc = scen(&one_item("expenditure", &vals, "{ kommune = 1 }", ""));
    assert_eq!(sc.interventions[0].items[0].values.len(), 20);
    assert!(sc.warnings.iter().any(|w| {
        crate::present::words::warning(w, crate::present::format::Lang::En)
            .contains("past consequence year 20")
    }));
}

#[test]
fn discounting_to_the_price_year() {
    close(discount_factor(0.04, 2026, 2024), 1.0 / 1.0816);
    close(discount_factor(0.04, 2023, 2024), 1.04);
    close(discount_factor(0.04, 2024, 2024), 1.0);
}

#[test]
fn the_state_s_declining_schedule_discounts_in_the_calculator() {
    // 1000 kr. saved in each consequence year 1..3 (calendar 2025–2027), price year 2024:
    // PV = 1000/1.035 + 1000/1.035² + 1000/1.035³ with the schedule, 1000/1.04 + … flat
    let toml = one_item(
        "expenditure",
        "[-1, -1, -1]",
        "{ kommune = 1000 }",
        "result_period = [2024, 2027]",
    )
    .replace(
        "price_year = 2024",
        "price_year = 2024\ndiscount_rate = \"finansministeriet-2021\"",
    );
    let r = calc(&toml);
    let pv: f64 = (1..=3).map(|k| 1000.0 / 1.035f64.powi(k)).sum();
    close(*r.pv.get("total").expect("total"), pv);
    assert_eq!(r.discount_rate, 0.035);
    assert_eq!(r.discount_schedule, Some("finansministeriet-2021"));
    let flat = calc(&one_item(
        "expenditure",
        "[-1, -1, -1]",
        "{ kommune = 1000 }",
        "result_period = [2024, 2027]",
    ));
    let pv4: f64 = (1..=3).map(|k| 1000.0 / 1.04f64.powi(k)).sum();
    close(*flat.pv.get("total").expect("total"), pv4);
    assert_eq!(flat.discount_schedule, None);
}

#[test]
fn break_even_needs_the_cumulative_sum_to_stay_non_negative() {
    // cumulative: -100, 50, -10, 10 → break-even in index 3, not 1
    assert_eq!(break_even_index(&[-100.0, 150.0, -60.0, 20.0]), Some(3));
    assert_eq!(break_even_index(&[-100.0, 50.0]), None);
    assert_eq!(break_even_index(&[0.0, 0.0]), Some(0));
}

#[test]
fn worked_cash_benefit_example_with_tax_on_transfers() {
    // SPEC §3.3/§3.5: kontanthjælp 2211 (kommune) + 550 (stat) per week; tax 26.4 % / 12.1 %.
    // Per week less: kommune −(−2211) − 2761·0.264 = 1482.096; stat 550 − 2761·0.121 = 215.919.
    let r = calc(&one_item(
        "transfer",
        "[-2.9, -2.3, -1.7, -1.0, -0.6, -0.3]",
        "{ kommune = 2211, stat = 550 }",
        "",
    ));
    assert_eq!(r.years[0], 2024);
    let k = series(&r, "kommune");
    let s = series(&r, "stat");
    close(k[0], 0.0); // consequences start the year after a one-year course
    close(k[1], 2.9 * 1482.096);
    close(s[1], 2.9 * 215.919);
    close(series(&r, "region")[1], 0.0);
    close(series(&r, "total")[1], 2.9 * (1482.096 + 215.919));
    close(k[6], 0.3 * 1482.096);
    // the tax is booked in its own area
    let tax = r
        .areas
        .iter()
        .find(|a| a.area == TAX_AREA)
        .expect("tax line");
    close(tax.net[1], -2.9 * 2761.0 * (0.264 + 0.121));
    let benefit = r
        .areas
        .iter()
        .find(|a| a.area == "brugerdefineret")
        .expect("item line");
    close(benefit.net[1], 2.9 * 2761.0);
}

#[test]
fn expenditure_and_revenue_signs() {
    let e = calc(&one_item("expenditure", "[-2]", "{ region = 100 }", ""));
    close(series(&e, "region")[1], 200.0); // fewer units of a service: a gain
    let r = calc(&one_item("revenue", "[3]", "{ stat = 10 }", ""));
    close(series(&r, "stat")[1], 30.0); // more tax income: a gain
    let t = calc(&one_item("expenditure", "[2]", "{ region = 100 }", ""));
    close(series(&t, "region")[1], -200.0);
}

#[test]
fn pv_over_result_period_horizon_and_break_even() {
    // cost 1000 in 2024, gain 1100 in 2025: PV = −1000 + 1100/1.04
    let r = calc(&one_item(
        "expenditure",
        "[-1]",
        "{ kommune = 1100 }",
        "costs = { kommune = [1000] }",
    ));
    close(*r.pv.get("kommune").expect("pv"), -1000.0 + 1100.0 / 1.04);
    close(*r.pv.get("total").expect("pv"), -1000.0 + 1100.0 / 1.04);
    assert_eq!(r.years, vec![2024, 2025]); // horizon ends with the last flow
    assert_eq!(r.break_even_year.get("kommune"), Some(&Some(2025)));
    assert_eq!(
        r.break_even_years_since_start.get("kommune"),
        Some(&Some(2))
    );
    assert_eq!(r.break_even_year.get("region"), Some(&Some(2024))); // all zero: ≥ 0 from the start
    assert_eq!(r.result_period, [2024, 2029]); // default [S, S+5]
}

#[test]
fn result_period_limits_the_pv() {
    let base = one_item(
        "expenditure",
        "[-1, -1, -1]",
        "{ kommune = 100 }",
        "result_period = [2025, 2026]",
    );
    let r = calc(&base);
    // gains of 100 in 2025, 2026, 2027; only 2025–2026 count, discounted to 2024
    close(
        *r.pv.get("total").expect("pv"),
        100.0 / 1.04 + 100.0 / 1.0816,
    );
}

#[test]
fn saved_costs_are_a_gain_and_costs_fall_in_year_s_plus_j() {
    let r = calc(&one_item(
        "expenditure",
        "[0]",
        "{ kommune = 1 }",
        "costs = { kommune = [100, 50] }\nsaved_costs = { kommune = [30, 0, 20] }",
    ));
    assert_eq!(series(&r, "kommune"), &[-70.0, -50.0, 20.0]);
    let costs = r
        .areas
        .iter()
        .find(|a| a.area == COSTS_AREA)
        .expect("cost line");
    assert_eq!(costs.net, vec![-70.0, -50.0, 20.0]);
}

#[test]
fn cohorts_and_lag() {
    // course of 1.5 years: L = 2; cohorts of 10 and 20 starting 2024 and 2025
    let toml = one_item("expenditure", "[-1]", "{ kommune = 1 }", "")
        .replace("years = 1\n", "years = 2\ncourse_years = 1.5\n")
        .replace("participants = [1]", "participants = [10, 20]")
        .replace("success_rate = 1.0", "success_rate = 0.5");
    let r = calc(&toml);
    let k = series(&r, "kommune");
    // cohort 0: year 1 in 2024 + 0 + 2 + 1 − 1 = 2026; cohort 1: 2027
    assert_eq!(&k[..4], &[0.0, 0.0, 5.0, 10.0]);
    assert_eq!(r.years.len(), 4);
}

#[test]
fn during_values_count_all_participants_while_the_course_runs() {
    let toml = one_item("expenditure", "[0]", "{ kommune = 100 }", "")
        .replace("participants = [1]", "participants = [2]")
        .replace("success_rate = 1.0", "success_rate = 0.5")
        .replace("fade = false", "fade = false\nduring = [-3, -9]");
    let sc = scen(&toml);
    // a one-year course: only the first `during` value is used, with a warning
    assert!(sc.warnings.iter().any(|w| {
        crate::present::words::warning(w, crate::present::format::Lang::En).contains("during")
    }));
    let r = calculate(&sc, &sc.interventions[0]);
    close(series(&r, "kommune")[0], 3.0 * 2.0 * 100.0); // not scaled by the success rate
}

#[test]
fn own_prices_are_converted_from_their_price_year() {
    // 1040 in 2020 prices → 2022 prices: × 1.08 / 1.04
    let toml = one_item("expenditure", "[-1]", "{ kommune = 1040 }", "")
        .replace("price_year = 2024", "price_year = 2022")
        .replace("fade = false", "fade = false\nprice_year = 2020")
        .replace("start_year = 2024", "start_year = 2022");
    let r = calc(&toml);
    close(series(&r, "kommune")[1], 1080.0);
}

#[test]
fn costs_can_name_their_price_year() {
    let toml = one_item(
        "expenditure",
        "[0]",
        "{ kommune = 1 }",
        "costs = { kommune = [1040], price_year = 2020 }",
    )
    .replace("price_year = 2024", "price_year = 2022")
    .replace("start_year = 2024", "start_year = 2022");
    close(series(&calc(&toml), "kommune")[0], -1080.0);
}

#[test]
fn price_index_extension_is_reported() {
    let toml = one_item("expenditure", "[-1]", "{ kommune = 100 }", "")
        .replace("fade = false", "fade = false\nprice_year = 2023");
    let sc = scen(&toml);
    assert!(sc.warnings.iter().any(|w| {
        crate::present::words::warning(w, crate::present::format::Lang::En).contains("extended")
    }));
    // 2024 index = 1.11 × (1.11 / 1.08)
    let r = calculate(&sc, &sc.interventions[0]);
    close(series(&r, "kommune")[1], 100.0 * 1.11 / 1.08);
}

#[test]
fn fade_extends_the_horizon_to_year_19() {
    let r = calc(
        &one_item("expenditure", "[-1]", "{ kommune = 100 }", "")
            .replace("fade = false", "fade = true"),
    );
    // year 1 in 2025, year 19 in 2043 (year 20 is zero)
    assert_eq!(*r.years.last().expect("years"), 2043);
    close(series(&r, "kommune")[2], 100.0 * 18.0 / 19.0);
}

#[test]
fn success_rate_forms() {
    let g = scen(
        &one_item("expenditure", "[-1]", "{ kommune = 1 }", "").replace(
            "success_rate = 1.0",
            "success_rate = { gross = 0.30, counterfactual = 0.16 }",
        ),
    );
    close(g.interventions[0].success_rate, 0.14);
    let d = scen(
        &one_item("expenditure", "[-1]", "{ kommune = 1 }", "").replace(
            "success_rate = 1.0",
            "success_rate = { effect_size = 0.3, baseline = 0.2 }",
        ),
    );
    // Φ(Φ⁻¹(0.2) + 0.3) − 0.2, computed independently with Python's statistics.NormalDist
    assert!((d.interventions[0].success_rate - 0.094039730574699).abs() < 1e-9);
}

#[test]
fn custom_actors_get_no_tax_unless_given() {
    let toml = one_item("transfer", "[-1]", "{ kommune = 100, job = 100 }", "").replace(
        "price_year = 2024",
        "price_year = 2024\nactors = [\"kommune\", \"region\", \"stat\", \"job\"]\ntax_on_transfers = { stat = 0.1 }",
    );
    let r = calc(&toml);
    // Σp = 200; kommune keeps 26.4 %, stat overridden to 10 %, job 0 %
    close(series(&r, "kommune")[1], 100.0 - 200.0 * 0.264);
    close(series(&r, "stat")[1], -200.0 * 0.1);
    close(series(&r, "job")[1], 100.0);
}

#[test]
fn knowledge_base_items_with_price_conversion() {
    // the homeless group's real cash-benefit consequences and 2018 prices (seed 002), converted
    // to 2022 with the index: 1.08 / 1.00
    let toml = r#"
[settings]
price_year = 2022
[[intervention]]
id = "kb"
target_group = "hjemloese"
use_knowledge = false
start_year = 2022
years = 1
participants = [10]
success_rate = 0.5
[[intervention.consequence]]
item = "kontanthjaelp"
"#;
    let r = calc(toml);
    let f = 1.08 / 1.00;
    let m_k = 2211.0 * f - 2761.0 * f * 0.264;
    close(series(&r, "kommune")[1], 5.0 * 2.9 * m_k);
    // year 7 is the fade of year 6: −0.3 × 13/14
    close(series(&r, "kommune")[7], 5.0 * 0.3 * 13.0 / 14.0 * m_k);
    assert_eq!(r.items[0].origin, crate::scenario::ItemOrigin::Knowledge);
    assert!(r.illustrative.is_empty()); // real numbers only
}

#[test]
fn overrides_exclusions_and_group_price_rows() {
    let toml = r#"
[[intervention]]
id = "o"
target_group = "hjemloese"
exclude = ["herberg"]
start_year = 2020
years = 1
participants = [1]
success_rate = 1.0
[[intervention.consequence]]
item = "kontanthjaelp"
values = [-1]
fade = false
prices = { kommune = 1000 }
"#;
    let sc = scen(toml);
    let iv = &sc.interventions[0];
    assert!(!iv.items.iter().any(|i| i.id == "herberg"));
    let kh = iv
        .items
        .iter()
        .find(|i| i.id == "kontanthjaelp")
        .expect("override");
    assert_eq!(kh.values, vec![-1.0]);
    assert_eq!(kh.prices, vec![1000.0, 0.0, 0.0]); // unnamed actors 0
    // the homeless group's own alcohol-treatment price (116 kr. in 2018 prices) wins over the *
    // row (120 kr. in 2020 prices), converted to the price year 2020: 116 × 1.04 / 1.00
    let alc = iv
        .items
        .iter()
        .find(|i| i.id == "alkoholbehandling")
        .expect("kb item");
    close(alc.prices[0], 116.0 * 1.04);
    // the own price has no price year: it is in the scenario's (2020 = start year), unconverted
    let r = calculate(&sc, iv);
    let item = r
        .items
        .iter()
        .find(|i| i.id == "kontanthjaelp")
        .expect("line");
    close(item.net[1], 1000.0 - 1000.0 * 0.264 - 1000.0 * 0.121);
}

#[test]
fn pv_is_affine_in_the_success_rate_on_a_shipped_scenario() {
    let sc = crate::scenario::load(Path::new("scenarios/cti.toml"), &kb()).expect("cti");
    let p = Prepared::new(&sc.settings, &sc.interventions[0]);
    let pv = |s: f64| {
        let n = p.net(s);
        let tot: Vec<f64> = (0..p.len).map(|t| n.iter().map(|r| r[t]).sum()).collect();
        p.pv(&tot)
    };
    close(pv(0.5), 0.5 * (pv(0.0) + pv(1.0)));
    close(pv(0.14) - pv(0.0), 0.14 * (pv(1.0) - pv(0.0)));
}

#[test]
fn social_services_carrying_over_a_third_of_the_gains_are_flagged() {
    let area = |name: &str, pv: f64| AreaLine {
        area: name.into(),
        net: vec![],
        pv: Keyed(vec![("total".into(), pv)]),
    };
    // gains 400 (social services) + 500 (health) + 100 (tax); costs and losses are not gains:
    // share = 400 / 1000 = 0.4 > 1/3
    let areas = vec![
        area(COSTS_AREA, -5000.0),
        area(SOCIAL_SERVICES_AREA, 400.0),
        area("sundhedsydelser", 500.0),
        area("skat af indkomst", 100.0),
        area("indkomstoverførsler", -300.0),
    ];
    close(
        gain_share(&areas, SOCIAL_SERVICES_AREA).expect("share"),
        0.4,
    );
    assert_eq!(flags(&areas), vec![Flag::SocialServices { share: 0.4 }]);
    // 300 of 1000 + 300 = 0.2307…: no flag; exactly a third: no flag (more than a third flags)
    let mut low = areas.clone();
    low[1] = area(SOCIAL_SERVICES_AREA, 300.0);
    low[2] = area("sundhedsydelser", 900.0);
    assert!(flags(&low).is_empty());
    let third = vec![
        area(SOCIAL_SERVICES_AREA, 1.0),
        area("sundhedsydelser", 2.0),
    ];
    assert!(flags(&third).is_empty());
    // social services that lose money carry no share of the gains
    let lose = vec![
        area(SOCIAL_SERVICES_AREA, -10.0),
        area("sundhedsydelser", 2.0),
    ];
    assert_eq!(gain_share(&lose, SOCIAL_SERVICES_AREA), None);
}

#[test]
fn relations_count_per_successful_participant_and_show_apart() {
    // 2 participants, success 0.5 → 1 successful; 0.5 partners per successful participant, each
    // saving 2 weeks à 100 kr. in year 1 (2025): relation PV = 1 × 0.5 × 2 × 100 = 100 kr.
    // (no discounting); the participant's own item saves 1 × 3 × 10 = 30 kr.
    let toml = r#"
[settings]
price_year = 2024
discount_rate = 0.0
[[intervention]]
id = "r"
start_year = 2024
years = 1
participants = [2]
success_rate = 0.5
[[intervention.consequence]]
item = "own"
name = "Own"
area = "brugerdefineret"
unit = "uger"
kind = "expenditure"
values = [-3]
fade = false
prices = { kommune = 10 }
[[intervention.relation]]
who = "partner"
persons = 0.5
[[intervention.relation.consequence]]
item = "x"
name = "X"
area = "brugerdefineret"
unit = "uger"
kind = "expenditure"
values = [-2]
fade = false
prices = { kommune = 100 }
"#;
    let r = calc(toml);
    close(*r.pv.get("total").expect("pv"), 130.0);
    let rel = r.relations.as_ref().expect("a relation");
    close(*rel.pv.get("total").expect("pv"), 100.0);
    close(*rel.pv.get("kommune").expect("pv"), 100.0);
    close(
        *rel.by_relation
            .get("partner")
            .and_then(|k| k.get("total"))
            .expect("partner"),
        100.0,
    );
    let x = r
        .items
        .iter()
        .find(|i| i.id == "partner:x")
        .expect("prefixed id");
    assert_eq!(x.relation.as_deref(), Some("partner"));
    close(x.values[0], -1.0); // −2 per partner × 0.5 partners
    // no relation: no part
    assert!(
        calc(&one_item("expenditure", "[-1]", "{ kommune = 1 }", ""))
            .relations
            .is_none()
    );
}

#[test]
fn relation_persons_default_from_the_group_s_characteristics() {
    // hjemløse: share_with_children 0.16 (seed 002); the knowledge base's illustrative relation
    // rows give −12 days of foster care per child in year 1
    let toml = r#"
[[intervention]]
id = "h"
target_group = "hjemloese"
start_year = 2024
years = 1
participants = [10]
success_rate = 0.2
[[intervention.relation]]
who = "boern"
"#;
    let sc = scen(toml);
    let it = sc.interventions[0]
        .items
        .iter()
        .find(|i| i.id == "boern:anbringelse-familiepleje")
        .expect("the relation's KB item");
    close(it.values[0], -12.0 * 0.16);
    assert!(
        sc.illustrative
            .iter()
            .any(|i| i.item == "boern:anbringelse-familiepleje")
    );
    // another relation needs persons
    let e = scenario::parse(
        Path::new("t.toml"),
        &toml.replace("who = \"boern\"", "who = \"bedsteforaeldre\""),
        &kb(),
    )
    .expect_err("no default")
    .to_string();
    assert!(e.contains("give `persons`"), "{e}");
}
