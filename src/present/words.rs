//! The course's words and sentences, each written once in Danish and English: actor and bar
//! labels, the requirement reading, the size of an interval overlap, the break-even range, the
//! split-incentive and summed-minimums warnings, the illustrative-numbers notice and the
//! provenance line. The terminal, the report and the workbench all say it with these.

use super::format::{Lang, dec, int, pct};
use crate::analysis::mc::{OverlapSize, Provenance};
use crate::analysis::require::Reading;
use crate::analysis::tornado::{Bar, BarKind};
use crate::dist::Dist;
use crate::model::TOTAL;
use crate::scenario::{FactorScope, ItemOrigin, Warning};

/// An actor's display name: `kommune` → `Kommune`, `total` → `I alt`/`Total`.
pub fn actor(key: &str, lang: Lang) -> String {
    if key == TOTAL {
        return lang.t("I alt", "Total").to_string();
    }
    let mut c = key.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// "none": a value that does not exist (no required rate, no break-even).
pub fn none(lang: Lang) -> &'static str {
    lang.t("ingen", "none")
}

/// A break-even year that is not reached within the horizon.
pub fn no_break_even(lang: Lang) -> &'static str {
    lang.t("ingen i horisonten", "none in the horizon")
}

/// The plain-language reading of a required success rate for one actor.
pub fn requirement(rate: Option<f64>, assumed: f64, lang: Lang) -> String {
    let with = |lead: &str, s: f64| {
        format!(
            "{lead} {} ({} {})",
            pct(s, 1, lang),
            lang.t("antaget:", "assumed:"),
            pct(assumed, 1, lang)
        )
    };
    match (Reading::of(rate), rate) {
        (Reading::NoGain, _) | (_, None) => lang
            .t(
                "Ingen succesrate når målet (indsatsen giver ingen gevinst her)",
                "No success rate reaches the target (the intervention gains nothing here)",
            )
            .to_string(),
        (Reading::Unattainable, Some(s)) => {
            with(lang.t("Uopnåeligt: kræver", "Unattainable: needs"), s)
        }
        (Reading::MetWithoutSuccess, Some(_)) => lang
            .t("Nås selv uden succes", "Met even with no success")
            .to_string(),
        (Reading::Needs, Some(s)) => with(
            lang.t(
                "Kræver en succesrate på mindst",
                "Needs a success rate of at least",
            ),
            s,
        ),
    }
}

/// The size of two intervals' overlap, as the course names it.
pub fn overlap(size: OverlapSize, lang: Lang) -> &'static str {
    match size {
        OverlapSize::Small => lang.t("Lille overlap", "Small overlap"),
        OverlapSize::Medium => lang.t("Mellemstort overlap", "Medium overlap"),
        OverlapSize::Large => lang.t("Stort overlap", "Large overlap"),
    }
}

/// "risk of choosing the wrong intervention" (after the percentage).
pub fn wrong_choice(lang: Lang) -> &'static str {
    lang.t(
        "risiko for at vælge den forkerte indsats",
        "risk of choosing the wrong intervention",
    )
}

/// The split incentive: what follows an actor's name, before the probability.
pub fn split_incentive(lang: Lang) -> &'static str {
    lang.t(
        "taber, mens den offentlige sektor samlet vinder, med sandsynlighed",
        "loses while the public sector as a whole gains, with probability",
    )
}

/// The course's warning against adding up minimum figures.
pub fn summed_minimums(lang: Lang) -> &'static str {
    lang.t(
        "Summen af minimumstal er for forsigtig: det er usandsynligt, at alle indsatser rammer bunden samtidig.",
        "Summed minimums are too conservative: all interventions are unlikely to hit their low end at once.",
    )
}

/// The one-line notice a terminal result ends with when it used illustrative numbers (empty when
/// none did).
pub fn illustrative_line(items: &[String], lang: Lang) -> String {
    if items.is_empty() {
        return String::new();
    }
    format!(
        "{} {}\n",
        lang.t(
            "OBS: illustrative tal (ikke fra SØM's referencemateriale) i:",
            "Note: illustrative numbers (not from the SØM reference material) in:"
        ),
        items.join(", ")
    )
}

/// The heading of the list of items with illustrative numbers (calculator, report).
pub fn illustrative_heading(lang: Lang) -> &'static str {
    lang.t(
        "OBS: beregningen bruger illustrative tal (ikke fra SØM's referencemateriale):",
        "NOTE: this result uses illustrative numbers (not from the SØM reference material):",
    )
}

/// What an item's illustrative numbers are: consequences, prices or both.
pub fn illustrative_parts(consequences: bool, prices: bool, lang: Lang) -> &'static str {
    match (consequences, prices) {
        (true, true) => lang.t("konsekvenser og priser", "consequences and prices"),
        (true, false) => lang.t("konsekvenser", "consequences"),
        _ => lang.t("priser", "prices"),
    }
}

/// The provenance line: seed, draws, engine, knowledge-base and scenario hashes.
pub fn provenance(p: &Provenance, lang: Lang) -> String {
    format!(
        "{} {} · {} {} · {} · {} {} · {} {}",
        lang.t("Frø", "Seed"),
        p.seed,
        int(p.draws as f64, lang),
        lang.t("træk", "draws"),
        p.engine,
        lang.t("vidensdatabase", "knowledge base"),
        p.knowledge_base,
        lang.t("scenarie", "scenario"),
        p.scenario
    )
}

/// A tornado bar's label with the range of its input, e.g. `Succesrate 9–19 %`.
pub fn bar(b: &Bar, lang: Lang) -> String {
    let range = |a: f64, z: f64| format!("{}–{}", pct(a, 0, lang), pct(z, 0, lang));
    let factor = |name: &str| {
        format!(
            "{name} ×{}–{}",
            dec(b.input_minus, 2, lang),
            dec(b.input_plus, 2, lang)
        )
    };
    match b.kind {
        BarKind::SuccessRate => format!(
            "{} {}",
            lang.t("Succesrate", "Success rate"),
            range(b.input_minus, b.input_plus)
        ),
        BarKind::Costs => factor(lang.t("Omkostninger", "Costs")),
        BarKind::Prices => factor(lang.t("Alle priser", "All prices")),
        BarKind::DiscountRate => format!(
            "{} {}–{}",
            lang.t("Diskonteringsrente", "Discount rate"),
            pct(b.input_minus, 1, lang),
            pct(b.input_plus, 1, lang)
        ),
        BarKind::Area => format!("{}: {}", lang.t("Område", "Area"), b.label),
        BarKind::Item => b.label.clone(),
    }
}

/// A value of a distribution: a share as a percentage (whole percent when it is one), a factor
/// with two decimals.
fn value(v: f64, share: bool, lang: Lang) -> String {
    if !share {
        return dec(v, 2, lang);
    }
    let whole = ((v * 100.0).round() - v * 100.0).abs() < 1e-9;
    pct(v, if whole { 0 } else { 1 }, lang)
}

/// A distribution in words: `trekantfordeling 8 %–20 %, mest sandsynligt 14 %` for a share
/// (`share`), `ligefordeling 0,80–1,20` for a factor.
pub fn distribution(d: &Dist, share: bool, lang: Lang) -> String {
    let v = |x: f64| value(x, share, lang);
    let range = |a: f64, z: f64| format!("{}–{}", v(a), v(z));
    let likely = lang.t("mest sandsynligt", "most likely");
    match *d {
        Dist::Fixed { value } => format!("{} {}", lang.t("fast værdi", "fixed at"), v(value)),
        Dist::Uniform { min, max } => {
            format!("{} {}", lang.t("ligefordeling", "uniform"), range(min, max))
        }
        Dist::Triangular { min, mode, max } => format!(
            "{} {}, {likely} {}",
            lang.t("trekantfordeling", "triangular"),
            range(min, max),
            v(mode)
        ),
        Dist::Pert { min, mode, max } => format!(
            "{} {}, {likely} {}",
            lang.t("PERT-fordeling", "PERT"),
            range(min, max),
            v(mode)
        ),
        Dist::Normal { mean, sd, min, max } => {
            let mut s = format!(
                "{} {}, {} {}",
                lang.t("normalfordeling, middel", "normal, mean"),
                v(mean),
                lang.t("spredning", "sd"),
                v(sd)
            );
            if min.is_some() || max.is_some() {
                let end = |x: Option<f64>| x.map_or("…".to_string(), v);
                s += &format!(
                    ", {} {}–{}",
                    lang.t("afskåret til", "truncated to"),
                    end(min),
                    end(max)
                );
            }
            s
        }
        Dist::Lognormal { mean, sd } => format!(
            "{} {}, {} {}",
            lang.t("lognormalfordeling, middel", "lognormal, mean"),
            v(mean),
            lang.t("spredning", "sd"),
            v(sd)
        ),
        Dist::Beta { alpha, beta } => format!(
            "{} α = {}, β = {}",
            lang.t("betafordeling", "beta"),
            dec(alpha, 2, lang),
            dec(beta, 2, lang)
        ),
        Dist::Pilot {
            successes,
            participants,
            counterfactual,
        } => {
            let mut s = format!(
                "{} {} {} {} ({} {}, {})",
                lang.t("pilotens resultat:", "the pilot's result:"),
                int(successes, lang),
                lang.t("af", "of"),
                int(participants, lang),
                lang.t("middel", "mean"),
                pct((successes + 1.0) / (participants + 2.0), 1, lang),
                lang.t("betafordeling", "beta")
            );
            if counterfactual > 0.0 {
                s += &format!(
                    ", {} {}",
                    lang.t("minus kontrafaktisk", "minus counterfactual"),
                    pct(counterfactual, 1, lang)
                );
            }
            s
        }
        Dist::EffectSize { mean, se, baseline } => format!(
            "{} d = {} ± {} ({}), {} {}",
            lang.t("effektstørrelse", "effect size"),
            dec(mean, 2, lang),
            dec(se, 2, lang),
            lang.t("standardfejl", "standard error"),
            lang.t("basisrate", "baseline rate"),
            pct(baseline, 1, lang)
        ),
    }
}

/// Which items share one draw of a factor.
pub fn factor_scope(per: FactorScope, lang: Lang) -> &'static str {
    match per {
        FactorScope::Item => lang.t("én pr. post", "one per item"),
        FactorScope::Area => lang.t("én pr. område", "one per area"),
        FactorScope::All => lang.t("én for alle poster", "one for all items"),
    }
}

/// Where an item's numbers come from.
pub fn origin(o: ItemOrigin, lang: Lang) -> &'static str {
    match o {
        ItemOrigin::Knowledge => lang.t("vidensdatabasen", "knowledge base"),
        ItemOrigin::Overridden => lang.t("vidensdatabasen, ændret", "knowledge base, changed"),
        ItemOrigin::Own => lang.t("egen post", "own item"),
    }
}

/// A scenario's warning in the reader's language.
pub fn warning(w: &Warning, lang: Lang) -> String {
    match w {
        Warning::DuringTruncated { field, given, lag } => format!(
            "{field}: {given} {} {lag} {}; {} {lag} {}",
            lang.t(
                "værdier angivet, men et forløb varer",
                "values given but a course lasts"
            ),
            lang.t("år", "year(s)"),
            lang.t("værdier efter år", "values after year"),
            lang.t("bruges ikke", "are ignored")
        ),
        Warning::ValuesTruncated { field, given } => format!(
            "{field}: {given} {}; {} {} {}",
            lang.t("værdier angivet", "values given"),
            lang.t("værdier efter konsekvensår", "values past consequence year"),
            crate::kb::LAST_YEAR,
            lang.t("bruges ikke", "are ignored")
        ),
        Warning::IndexExtended {
            what,
            first,
            last,
            from,
            to,
        } => match lang {
            Lang::Da => format!(
                "{}: prisindekset ({first}–{last}) er forlænget med den sidst kendte årlige ændring for at omregne {from}-priser til {to}",
                what.as_deref().unwrap_or("vidensdatabasens priser")
            ),
            Lang::En => format!(
                "{}: the price index ({first}–{last}) was extended with its last known annual change to convert {from} prices to {to}",
                what.as_deref().unwrap_or("knowledge-base prices")
            ),
        },
        Warning::SharedTargetGroup { a, b, group } => match lang {
            Lang::Da => format!(
                "{a} og {b} har samme målgruppe ({group}): hvis de når de samme borgere, tæller porteføljen de samme gevinster to gange"
            ),
            Lang::En => format!(
                "{a} and {b} have the same target group ({group}): if they reach the same citizens, the portfolio counts the same gains twice"
            ),
        },
    }
}

/// Warnings go into JSON as their English sentence.
impl serde::Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&warning(self, Lang::En))
    }
}

/// The discount rate in words: "diskonteringsrente 4,0 %", or with the state's declining
/// schedule "diskonteringsrente 3,5 %, faldende (finansministeriet-2021)".
pub fn discount(rate: f64, schedule: Option<&str>, lang: Lang) -> String {
    format!(
        "{} {}",
        lang.t("diskonteringsrente", "discount rate"),
        discount_value(rate, schedule, lang)
    )
}

/// The discount rate's value: "4,0 %", or "3,5 %, faldende (finansministeriet-2021)".
pub fn discount_value(rate: f64, schedule: Option<&str>, lang: Lang) -> String {
    let r = crate::present::format::pct(rate, 1, lang);
    match schedule {
        None => r,
        Some(id) => format!("{r}, {} ({id})", lang.t("faldende", "declining")),
    }
}

/// The heading of a sum of interventions.
pub fn all_interventions(lang: Lang) -> &'static str {
    lang.t("Alle indsatser i alt", "All interventions together")
}

/// A caution on a sum of interventions, in a sentence (the course's "Hvilke forudsætninger skal
/// du være opmærksom på, hvis du lægger indsatser sammen?", seed 000).
pub fn caution(c: &crate::model::sum::Caution, lang: Lang) -> String {
    use crate::model::sum::Caution;
    let list = |v: &[String]| match v {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), lang.t("og", "and")),
    };
    match c {
        Caution::ResultPeriods { periods } => {
            let p: Vec<String> = periods
                .iter()
                .map(|(id, p)| format!("{id} {}–{}", p[0], p[1]))
                .collect();
            match lang {
                Lang::Da => format!(
                    "Resultatperioderne er forskellige ({}): summen af nutidsværdierne lægger forskellige perioder sammen",
                    p.join(", ")
                ),
                Lang::En => format!(
                    "The result periods differ ({}): the summed present values add up different periods",
                    p.join(", ")
                ),
            }
        }
        Caution::StartYears { starts, price_year } => {
            let p: Vec<String> = starts.iter().map(|(id, y)| format!("{id} {y}")).collect();
            match lang {
                Lang::Da => format!(
                    "Indsatserne starter i forskellige år ({}): alle beløb er i {price_year}-priser og tilbagediskonteret til {price_year}, også for den, der starter senere",
                    p.join(", ")
                ),
                Lang::En => format!(
                    "The interventions start in different years ({}): every amount is in {price_year} prices and discounted to {price_year}, also for the one that starts later",
                    p.join(", ")
                ),
            }
        }
        Caution::SameTargetGroup {
            group,
            interventions,
        } => match lang {
            Lang::Da => format!(
                "{} har samme målgruppe ({group}): når de samme borgere, tæller summen de samme gevinster to gange (dobbelttælling)",
                list(interventions)
            ),
            Lang::En => format!(
                "{} have the same target group ({group}): if they reach the same citizens, the sum counts the same gains twice (double counting)",
                list(interventions)
            ),
        },
        Caution::Overlap {
            intervention,
            with,
            share,
            success_rate,
            pv_correction,
        } => {
            let sh = crate::present::format::pct(*share, 0, lang);
            let s = crate::present::format::pct(*success_rate, 1, lang);
            let k = crate::present::format::kr(*pv_correction, lang);
            match lang {
                Lang::Da => format!(
                    "{sh} af deltagerne i {intervention} får også {with}: for dem tæller {intervention} kun, hvor {with} ikke lykkedes (uafhængige effekter: 1 − (1 − s1)(1 − s2)), så {intervention} indgår i summen med succesrate {s}; summens nutidsværdi er {k} lavere end de to lagt sammen (porteføljens Monte Carlo — minimumstal og budgetår — bruger samme regel)"
                ),
                Lang::En => format!(
                    "{sh} of the participants in {intervention} also take {with}: for them {intervention} counts only where {with} did not succeed (independent effects: 1 − (1 − s1)(1 − s2)), so {intervention} enters the sum at success rate {s}; the sum's present value is {k} lower than the two added up (the portfolio's Monte Carlo — its minimum and budget years — uses the same rule)"
                ),
            }
        }
        Caution::Actors { actor, only } => match lang {
            Lang::Da => format!(
                "Kun {} har beløb for {}: summens linje for den aktør er deres alene",
                list(only),
                actor_lower(actor, lang)
            ),
            Lang::En => format!(
                "Only {} have amounts for {}: the sum's line for that actor is theirs alone",
                list(only),
                actor_lower(actor, lang)
            ),
        },
    }
}

fn actor_lower(key: &str, lang: Lang) -> String {
    actor(key, lang).to_lowercase()
}

/// The line above the cautions on a sum of interventions.
pub fn cautions_heading(lang: Lang) -> &'static str {
    lang.t(
        "Når indsatser lægges sammen, så vær opmærksom på:",
        "When interventions are added up, mind that:",
    )
}

/// How the success rate was given, in words: "14,0 % (angivet direkte)", "bruttosuccesrate
/// 30,0 % − kontrafaktisk 16,0 % = 14,0 %", "effektstørrelse d = 0,30 ved basisrate 20,0 % →
/// 11,2 %".
pub fn success_input(input: &crate::scenario::SuccessRateInput, used: f64, lang: Lang) -> String {
    use crate::present::format::{dec, pct};
    use crate::scenario::SuccessRateInput as S;
    let used_pct = pct(used, 1, lang);
    match input {
        S::Rate { .. } => format!(
            "{used_pct} ({})",
            lang.t("angivet direkte", "given directly")
        ),
        S::GrossCounterfactual {
            gross,
            counterfactual,
        } => format!(
            "{} {} − {} {} = {used_pct}",
            lang.t("bruttosuccesrate", "gross success rate"),
            pct(*gross, 1, lang),
            lang.t("kontrafaktisk", "counterfactual"),
            pct(*counterfactual, 1, lang)
        ),
        S::EffectSize {
            effect_size,
            baseline,
        } => format!(
            "{} d = {} {} {} → {used_pct}",
            lang.t("effektstørrelse", "effect size"),
            dec(*effect_size, 2, lang),
            lang.t("ved basisrate", "at baseline rate"),
            pct(*baseline, 1, lang)
        ),
    }
}

/// A warning SØM itself gives about a result, in a sentence.
pub fn flag(f: &crate::model::Flag, lang: Lang) -> String {
    use crate::model::Flag;
    match f {
        Flag::SocialServices { share } => {
            let p = crate::present::format::pct(*share, 0, lang);
            match lang {
                Lang::Da => format!(
                    "OBS: sociale serviceydelser står for {p} af gevinsterne. SØM's estimater for dem er de mest usikre i modellen og overvurderer sandsynligvis konsekvenserne (vidensdatabasen, seed 002) — se tornadoens søjle „Område: sociale serviceydelser“, og brug et bredt interval for dem i Monte Carlo"
                ),
                Lang::En => format!(
                    "Note: social services (sociale serviceydelser) carry {p} of the gains. SØM's estimates for them are the model's least certain and probably overstate the consequences (the knowledge base, seed 002) — see the tornado bar \"Area: sociale serviceydelser\", and give them a wide range in the Monte Carlo"
                ),
            }
        }
    }
}

/// The required success rate as an effect size beside the group's effect studies: "Kravet svarer
/// til en effektstørrelse på d ≈ 0,45 (Cohen's d ved basisrate 20,0 %); 3 af 5 effektstudier for
/// målgruppen ligger på eller over." — or what is missing to say it. `None` when there is neither
/// a baseline nor a study to say anything about.
pub fn effect_check(r: &crate::analysis::require::RequireResult, lang: Lang) -> Option<String> {
    use crate::present::format::{dec, pct};
    let ill = if r.studies_illustrative {
        lang.t(" (illustrative studier)", " (illustrative studies)")
    } else {
        ""
    };
    let Some(e) = &r.effect else {
        return (r.studies > 0).then(|| match lang {
            Lang::Da => format!(
                "Angiv baseline_rate (andelen, der når succesmålet uden indsatsen) for at sammenligne kravet med vidensdatabasens {} effektstudier for målgruppen{ill}",
                r.studies
            ),
            Lang::En => format!(
                "Give baseline_rate (the share who reach the goal without the intervention) to set the requirement beside the knowledge base's {} effect studies for the group{ill}",
                r.studies
            ),
        });
    };
    let base = pct(e.baseline.rate, 1, lang);
    let total = e.effect_size.0.first().and_then(|(_, d)| *d);
    Some(match (total, e.at_or_above) {
        (Some(d), Some(k)) if r.studies > 0 => match lang {
            Lang::Da => format!(
                "Kravet svarer til en effektstørrelse på d ≈ {} (Cohen's d ved basisrate {base}); {k} af {} effektstudier for målgruppen ligger på eller over{ill}",
                dec(d, 2, lang),
                r.studies
            ),
            Lang::En => format!(
                "The requirement means an effect size of d ≈ {} (Cohen's d at baseline rate {base}); {k} of {} effect studies for the group are at or above it{ill}",
                dec(d, 2, lang),
                r.studies
            ),
        },
        (Some(d), _) => match lang {
            Lang::Da => format!(
                "Kravet svarer til en effektstørrelse på d ≈ {} (Cohen's d ved basisrate {base}); vidensdatabasen har ingen effektstudier for målgruppen",
                dec(d, 2, lang)
            ),
            Lang::En => format!(
                "The requirement means an effect size of d ≈ {} (Cohen's d at baseline rate {base}); the knowledge base has no effect studies for the group",
                dec(d, 2, lang)
            ),
        },
        (None, _) => match lang {
            Lang::Da => format!(
                "Kravet kan ikke oversættes til en effektstørrelse ved basisrate {base}: ingen succesrate når målet, eller basisraten plus den krævede succesrate er over 100 %"
            ),
            Lang::En => format!(
                "The requirement has no effect size at baseline rate {base}: no success rate reaches the target, or the baseline plus the required rate exceeds 100 %"
            ),
        },
    })
}

/// A relation's name: `boern` → "Børn" ("Children"), `partner` → "Partner", others as given.
pub fn relation(who: &str, lang: Lang) -> String {
    match who {
        "boern" => lang.t("Børn", "Children").to_string(),
        "partner" => "Partner".to_string(),
        other => other.to_string(),
    }
}

/// The heading of a published calculation beside ours.
pub fn case_heading(lang: Lang) -> &'static str {
    lang.t(
        "Erfaringsdatabasen: den publicerede beregning ved siden af vores",
        "Erfaringsdatabasen (experience database): the published calculation beside ours",
    )
}

/// A published calculation beside ours, in lines: what was published (with the source), our
/// result over our result period, why they may differ and what in ours is illustrative.
pub fn case_lines(
    c: &crate::scenario::Case,
    ours: f64,
    period: [i32; 2],
    lang: Lang,
) -> Vec<String> {
    use crate::present::format::kr;
    let mut published = Vec::new();
    if let Some(net) = c.net {
        let years = c
            .years
            .map(|y| format!(" {} {y} {}", lang.t("over", "over"), lang.t("år", "years")))
            .unwrap_or_default();
        published.push(format!(
            "{} {}{years}",
            lang.t("nettoresultat ca.", "net result about"),
            kr(net, lang)
        ));
    }
    if let Some(p) = c.per_participant {
        published.push(format!(
            "{} {}",
            kr(p, lang),
            lang.t("pr. deltager", "per participant")
        ));
    }
    if let Some(p) = c.cost_per_participant {
        published.push(format!(
            "{} {}",
            lang.t("nettoomkostning pr. deltager", "net cost per participant"),
            kr(p, lang)
        ));
    }
    if published.is_empty() {
        published.push(
            lang.t(
                "intet nettoresultat i den tekst, vi har læst",
                "no net result in the text we read",
            )
            .to_string(),
        );
    }
    let mut out = vec![
        format!(
            "{}: {} ({})",
            lang.t("Publiceret", "Published"),
            published.join("; "),
            c.published
        ),
        format!(
            "{}: {} {} {}–{}",
            lang.t("Vores beregning", "Our calculation"),
            kr(ours, lang),
            lang.t("i nutidsværdi", "present value"),
            period[0],
            period[1]
        ),
    ];
    if let Some(d) = &c.differences {
        out.push(format!(
            "{}: {d}",
            lang.t("Hvorfor de kan afvige", "Why they may differ")
        ));
    }
    if let Some(i) = &c.illustrative {
        out.push(format!(
            "{}: {i}",
            lang.t(
                "Illustrativt i vores genberegning",
                "Illustrative in our rebuild"
            )
        ));
    }
    if let Some(u) = &c.url {
        out.push(format!("{}: {u}", lang.t("Kilde", "Source")));
    }
    out
}

/// The chance of at least an amount: "P(nettogevinst ≥ 1.000.000 kr.) = 34,0 %".
pub fn at_least(a: &crate::analysis::mc::AtLeast, lang: Lang) -> String {
    format!(
        "P({} ≥ {}) = {}",
        lang.t("nettogevinst", "net gain"),
        crate::present::format::kr(a.amount, lang),
        crate::present::format::pct(a.p, 1, lang)
    )
}

/// An uncertain input (or a group of them) in words, from its name: `cti.success_rate` →
/// "succesraten" ("succesraten for cti" `with_id`), `cti.consequences.herberg` → "konsekvensen
/// „Herberg …“" (its `label`), `cti.consequences` → "alle konsekvenserne", `cti` → "alt om
/// cti", `*.success_rate` → "alle indsatsernes succesrater".
pub fn input(name: &str, label: &str, with_id: bool, lang: Lang) -> String {
    let (id, rest) = name.split_once('.').unwrap_or((name, ""));
    let named = |l: &str| {
        if label.is_empty() {
            l.to_string()
        } else {
            label.to_string()
        }
    };
    if id == "*" {
        return match rest {
            "success_rate" => lang.t(
                "alle indsatsernes succesrater",
                "every intervention's success rate",
            ),
            "costs" => lang.t(
                "alle indsatsernes omkostninger",
                "every intervention's costs",
            ),
            "consequences" => lang.t(
                "alle indsatsernes konsekvenser",
                "every intervention's consequences",
            ),
            _ => lang.t("alle indsatsernes priser", "every intervention's prices"),
        }
        .to_string();
    }
    let what = match rest.split_once('.').unwrap_or((rest, "")) {
        ("", _) => return format!("{} {id}", lang.t("alt om", "everything about")),
        ("success_rate", _) => lang.t("succesraten", "the success rate").to_string(),
        ("costs", _) => lang.t("omkostningerne", "the costs").to_string(),
        ("prices", "") => lang.t("priserne", "the prices").to_string(),
        ("consequences", "") => lang
            .t("alle konsekvenserne", "all the consequences")
            .to_string(),
        ("consequences", "all") => lang.t("konsekvenserne", "the consequences").to_string(),
        (what, scope) => {
            let area = scope.strip_prefix("area:");
            match (what, area) {
                ("consequences", Some(a)) => format!(
                    "{} {a}",
                    lang.t("konsekvenserne på området", "the consequences in the area")
                ),
                ("prices", Some(a)) => format!(
                    "{} {a}",
                    lang.t("priserne på området", "the prices in the area")
                ),
                ("consequences", None) => format!(
                    "{} „{}“",
                    lang.t("konsekvensen", "the consequence"),
                    named(scope)
                ),
                _ => format!("{} „{}“", lang.t("prisen på", "the price of"), named(scope)),
            }
        }
    };
    if with_id {
        format!("{what} {} {id}", lang.t("for", "of"))
    } else {
        what
    }
}

/// An uncertain input's short label for a chart's rows, as the tornado labels them:
/// "Succesrate", "Omkostninger", "Alle priser", "Område: X", the item's name.
pub fn input_short(name: &str, label: &str, lang: Lang) -> String {
    let (_, rest) = name.split_once('.').unwrap_or((name, ""));
    match rest.split_once('.').unwrap_or((rest, "")) {
        ("success_rate", _) => lang.t("Succesrate", "Success rate").into(),
        ("costs", _) => lang.t("Omkostninger", "Costs").into(),
        ("prices", "") => lang.t("Alle priser", "All prices").into(),
        ("consequences", "all") => lang.t("Alle konsekvenser", "All consequences").into(),
        (what, scope) => match scope.strip_prefix("area:") {
            Some(a) if what == "prices" => {
                format!("{}: {a}", lang.t("Priser, område", "Prices, area"))
            }
            Some(a) => format!("{}: {a}", lang.t("Område", "Area")),
            None if what == "prices" => format!("{}: {label}", lang.t("Pris", "Price")),
            None => label.to_string(),
        },
    }
}

/// How precise the total's estimates are with this many draws, one standard error each:
/// "Præcision med 10.000 træk (én standardfejl): middel ± 2.900 kr., P(gevinst) ± 0,4
/// procentpoint, intervallets ender ± 12.000 kr. og ± 9.000 kr."
pub fn precision(p: &crate::analysis::mc::Precision, draws: u64, lang: Lang) -> String {
    let about = |v: f64| {
        // two significant digits: a standard error is itself an estimate
        let digits = if v > 0.0 {
            v.log10().floor() as i32 - 1
        } else {
            0
        };
        let unit = 10f64.powi(digits.max(0));
        crate::present::format::kr((v / unit).round() * unit, lang)
    };
    format!(
        "{} {} {} ({}): {} ±\u{a0}{}, P({}) ±\u{a0}{} {}, {} ±\u{a0}{} {} ±\u{a0}{}",
        lang.t("Præcision med", "Precision with"),
        int(draws as f64, lang),
        lang.t("træk", "draws"),
        lang.t("én standardfejl", "one standard error"),
        lang.t("middel", "mean"),
        about(p.mean_se),
        lang.t("gevinst", "gain"),
        dec(p.p_positive_se * 100.0, 1, lang),
        lang.t("procentpoint", "percentage points"),
        lang.t("intervallets ender", "the interval's ends"),
        about(p.interval_se[0]),
        lang.t("og", "and"),
        about(p.interval_se[1]),
    )
}

/// The correlations of a run, a line per pair asked for: "succesraten for cti og succesraten for
/// bostoette: rangkorrelation 0,60 (trækkene: 0,60)".
pub fn correlation_lines(
    c: &crate::analysis::mc::copula::CorrelationResult,
    lang: Lang,
) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..c.inputs.len() {
        for j in i + 1..c.inputs.len() {
            if c.requested[i][j] == 0.0 {
                continue;
            }
            out.push(format!(
                "{} {} {}: {} {} ({}: {})",
                input(&c.inputs[i], "", true, lang),
                lang.t("og", "and"),
                input(&c.inputs[j], "", true, lang),
                lang.t("rangkorrelation", "rank correlation"),
                dec(c.requested[i][j], 2, lang),
                lang.t("trækkene", "the draws"),
                dec(c.achieved[i][j], 2, lang)
            ));
        }
    }
    out
}

/// Why there are no Sobol indices (nor values of single inputs) with correlated inputs.
pub fn correlated_sensitivity(lang: Lang) -> &'static str {
    lang.t(
        "Med korrelerede input er Sobol-indeks ikke defineret: hvad der driver usikkerheden, vises i stedet som hver størrelses rangkorrelation med nutidsværdien (korrelerede størrelser deler æren, så kvadraterne summer ikke til 100 %). Værdien af at kende enkelte størrelser er heller ikke beregnet; kun værdien af fuld information.",
        "With correlated inputs Sobol indices are not defined: what drives the uncertainty is shown instead as each input's rank correlation with the present value (correlated inputs share credit, so the squares do not add up to 100 %). The value of knowing single inputs is not computed either; only the value of perfect information.",
    )
}

/// How an automatic number of draws ended: "Antallet af træk er valgt efter præcisionen: 40.960
/// træk giver ± 4.800 kr. på intervallets ender (målet er ± 5.000 kr.)."
pub fn auto_draws(a: &crate::analysis::mc::AutoResult, draws: u64, lang: Lang) -> String {
    let kr = crate::present::format::kr;
    if a.reached {
        format!(
            "{} {} {} ±\u{a0}{} {} ({} ±\u{a0}{}).",
            lang.t(
                "Antallet af træk er valgt efter præcisionen:",
                "The number of draws was chosen for the precision:"
            ),
            int(draws as f64, lang),
            lang.t("træk giver", "draws give"),
            kr(a.se.round(), lang),
            lang.t("på intervallets ender", "on the interval's ends"),
            lang.t("målet er", "the target is"),
            kr(a.precision, lang)
        )
    } else {
        format!(
            "{} ±\u{a0}{} {} {} {} (±\u{a0}{}); {}",
            lang.t("Målet", "The target"),
            kr(a.precision, lang),
            lang.t(
                "blev ikke nået inden loftet på",
                "was not reached within the ceiling of"
            ),
            int(a.max as f64, lang),
            lang.t("træk", "draws"),
            kr(a.se.round(), lang),
            lang.t(
                "hæv max_draws eller løsn målet.",
                "raise max_draws or loosen the target."
            )
        )
    }
}

/// An amount for running text: to the thousand from 10.000 kr., else to the krone.
fn amount(v: f64, lang: Lang) -> String {
    if v.abs() >= 10_000.0 {
        crate::present::format::rkr(v, lang)
    } else {
        crate::present::format::kr(v, lang)
    }
}

/// Values of information below this (kroner) are nothing: the same choice is best in every draw.
pub const NO_VALUE_BELOW: f64 = 1.0;

/// The value of information in sentences: today's choice, what knowing everything is worth, and
/// what knowing the most valuable input (or group) is worth — "At kende succesraten før
/// beslutningen er op til 310.000 kr. værd — sammenlign med hvad en evaluering koster."
pub fn value_of_information(
    v: &crate::analysis::mc::ValueOfInformation,
    lang: Lang,
) -> Vec<String> {
    let several = v.options.len() > 1;
    let key = if v.key == TOTAL {
        lang.t("i alt", "total").to_string()
    } else {
        actor_lower(&v.key, lang)
    };
    let choice = match (v.choice.as_str(), several) {
        ("none", true) => lang
            .t("ingen af indsatserne", "none of the interventions")
            .to_string(),
        ("none", false) => lang
            .t("ikke at gennemføre indsatsen", "not to go ahead")
            .to_string(),
        (id, true) => format!(
            "{} {id} ({} {})",
            lang.t("at vælge", "to choose"),
            lang.t("forventet", "expected"),
            amount(v.expected, lang)
        ),
        (_, false) => format!(
            "{} ({} {})",
            lang.t("at gennemføre indsatsen", "to go ahead"),
            lang.t("forventet", "expected"),
            amount(v.expected, lang)
        ),
    };
    let mut out = vec![format!(
        "{} ({key}): {choice}.",
        lang.t(
            "Beslutningen i dag på forventet nutidsværdi",
            "Today's decision on expected present value"
        )
    )];
    if v.evpi < NO_VALUE_BELOW {
        out.push(
            lang.t(
                "Mere viden ændrer ikke beslutningen: den samme beslutning er den bedste i alle trækkene (forventet værdi af fuld information: 0 kr.).",
                "More knowledge would not change the decision: the same choice is best in every draw (expected value of perfect information: 0 kr.).",
            )
            .to_string(),
        );
        return out;
    }
    out.push(format!(
        "{} {} {}",
        lang.t(
            "At kende alle usikre størrelser før beslutningen er op til",
            "Knowing every uncertain input before deciding is worth up to"
        ),
        amount(v.evpi, lang),
        lang.t(
            "værd (forventet værdi af fuld information, EVPI).",
            "(expected value of perfect information, EVPI)."
        )
    ));
    if let Some(top) = v.evppi.first().filter(|e| e.value >= NO_VALUE_BELOW) {
        out.push(match lang {
            Lang::Da => format!(
                "At kende {} før beslutningen er op til {} værd — sammenlign med hvad en evaluering koster.",
                input(&top.input, &top.label, several, lang),
                amount(top.value, lang)
            ),
            Lang::En => format!(
                "Knowing {} before deciding is worth up to {} — compare with what an evaluation costs.",
                input(&top.input, &top.label, several, lang),
                amount(top.value, lang)
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_and_requirements() {
        assert_eq!(actor("total", Lang::Da), "I alt");
        assert_eq!(actor("kommune", Lang::En), "Kommune");
        assert_eq!(
            requirement(Some(0.125), 0.2, Lang::Da),
            "Kræver en succesrate på mindst 12,5 % (antaget: 20,0 %)"
        );
        assert_eq!(
            requirement(Some(1.5), 0.2, Lang::En),
            "Unattainable: needs 150.0% (assumed: 20.0%)"
        );
        assert_eq!(
            requirement(Some(-0.1), 0.2, Lang::Da),
            "Nås selv uden succes"
        );
        assert!(requirement(None, 0.2, Lang::Da).starts_with("Ingen succesrate"));
    }

    #[test]
    fn distributions_in_words() {
        let tri = Dist::Triangular {
            min: 0.08,
            mode: 0.14,
            max: 0.2,
        };
        assert_eq!(
            distribution(&tri, true, Lang::Da),
            "trekantfordeling 8 %–20 %, mest sandsynligt 14 %"
        );
        assert_eq!(
            distribution(&tri, true, Lang::En),
            "triangular 8%–20%, most likely 14%"
        );
        let u = Dist::Uniform { min: 0.8, max: 1.2 };
        assert_eq!(distribution(&u, false, Lang::Da), "ligefordeling 0,80–1,20");
        let n = Dist::Normal {
            mean: 1.0,
            sd: 0.1,
            min: Some(0.5),
            max: None,
        };
        assert_eq!(
            distribution(&n, false, Lang::Da),
            "normalfordeling, middel 1,00, spredning 0,10, afskåret til 0,50–…"
        );
        assert_eq!(
            distribution(&Dist::Fixed { value: 0.125 }, true, Lang::Da),
            "fast værdi 12,5 %"
        );
    }
}
