//! `soem new`: a commented starting scenario for a knowledge-base target group. It loads and runs
//! as written; the group's consequences and prices are listed as commented-out override blocks so
//! a user sees every number the calculation takes from the knowledge base and can change it.

use anyhow::{Result, bail};

use crate::kb::{KnowledgeBase, is_illustrative};
use crate::present::format::Lang;

fn this_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // 365.2425 days a year is exact enough for picking a start year
    1970 + (secs as f64 / (365.2425 * 86_400.0)) as i32
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The scenario text for `group` (and `goal`, default the group's first), its comments in
/// `lang` (Danish by default). It ends with an `[intervention.uncertainty]` block ready for the
/// Monte Carlo: when the social services carry more than a third of the group's gains, the
/// consequences get a wider range skewed downwards (0.5–1.2, most likely 0.9), because seed 002
/// calls their estimates the least certain and probably overestimated; otherwise ±20 %.
pub fn scenario(kb: &KnowledgeBase, group: &str, goal: Option<&str>, lang: Lang) -> Result<String> {
    let t = |da: &'static str, en: &'static str| lang.t(da, en);
    let Some(g) = kb.group(group) else {
        let hint = crate::text::did_you_mean(group, kb.group_ids());
        bail!("unknown target group \"{group}\"{hint} (see `soem knowledge groups`)");
    };
    let goals = kb.goals_of(group);
    let goal = match goal {
        Some(id) => match goals.iter().find(|s| s.id == id) {
            Some(s) => *s,
            None => bail!(
                "\"{id}\" is not a success goal of \"{group}\" (its goals: {})",
                goals
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        None => match goals.first() {
            Some(s) => *s,
            None => bail!(
                "\"{group}\" has no success goals or consequence estimates in the knowledge base ({}); \
                 write a scenario with your own items instead (see the README, \"Scenario files\")",
                g.theme
            ),
        },
    };
    let cons = kb.consequences_of(group, &goal.id);
    if cons.is_empty() {
        bail!(
            "\"{group}\" / \"{}\" has no consequence estimates in the knowledge base; write a scenario with your own items",
            goal.id
        );
    }
    let change = t("RET", "CHANGE");
    let start = this_year();
    let mut s = String::new();
    s += &format!(
        "# {} {} ({})\n",
        t("Startscenarie for", "Starting scenario for"),
        g.name,
        g.id
    );
    s += &format!(
        "# {}: {} ({}) — {}\n",
        t("Succesmål", "Success goal"),
        goal.name,
        goal.id,
        goal.definition
    );
    s += t(
        "# Skrevet af `soem new`. Erstat tallene mærket RET med jeres egne, og skriv en note og en\n\
         # kilde ved hver antagelse: rapporten viser dem som logbog (Forudsætninger).\n\
         # Kør den med:  soem calc DENNE-FIL\n\n",
        "# Written by `soem new`. Replace the numbers marked CHANGE with your own, and keep a note and\n\
         # source on each assumption: the report lists them as the logbook (Forudsætninger).\n\
         # Run it with:  soem calc THIS-FILE\n\n",
    );
    s += "[settings]\n";
    s += &format!(
        "price_year = {start}                       # {}\n",
        t(
            "prisniveau og år for nutidsværdien",
            "price level and year of the present value"
        )
    );
    s += &format!(
        "discount_rate = {}                    # {}\n\n",
        kb.parameters.discount_rate,
        t(
            "vidensdatabasens standard; \"finansministeriet-2021\" giver statens faldende rente",
            "knowledge-base default; \"finansministeriet-2021\" gives the state's declining rate"
        )
    );
    s += "[[intervention]]\n";
    s += "id = \"forslag\"\n";
    s += &format!(
        "name = {}\n",
        quote(&format!("Ny indsats for {}", g.name.to_lowercase()))
    );
    s += &format!("target_group = {}\n", quote(&g.id));
    s += &format!("success_goal = {}\n", quote(&goal.id));
    s += &format!("start_year = {start}\n");
    s += &format!(
        "years = 1                               # {}\n",
        t("år med indsatsen", "years of operation")
    );
    s += &format!(
        "course_years = 1.0                      # {}\n",
        t("varighed af ét forløb, år", "duration of one course, years")
    );
    s += &format!(
        "participants = [20]                     # {change}: {}\n",
        t(
            "antal, der starter pr. år (ét tal pr. år)",
            "starters per year (one number per year)"
        )
    );
    s += &format!(
        "success_rate = 0.15                     # {change}: {}\n",
        t(
            "andel, der når succesmålet på grund af indsatsen",
            "share who reach the goal because of the intervention"
        )
    );
    s += &format!("result_period = [{start}, {}]\n", start + 9);
    s += &format!(
        "costs = {{ kommune = [2000000] }}         # {change}: {}\n",
        t(
            "kroner pr. år fra start_year, pr. aktør",
            "kroner per year from start_year, per actor"
        )
    );
    s += &format!(
        "note = \"{change}: {}\"\n\n",
        t(
            "hvad indsatsen er, og hvor tallene kommer fra",
            "what the intervention is and where the numbers come from"
        )
    );
    s += t(
        "# Vidensdatabasen giver disse konsekvenser pr. deltager med succes (år 1..K, derefter en\n\
         # lineær nedtrapning til nul i år 20) og priser pr. enhed. De bruges, som de er. Vil du\n\
         # ændre én, så fjern '# ' foran dens blok og ret den; vil du udelade én, så skriv dens id i\n\
         # `exclude = [...]` under [[intervention]].\n",
        "# The knowledge base gives these consequences per successful participant (years 1..K, then a\n\
         # linear fade to zero in year 20) and prices per unit. They are used as they are. To change one,\n\
         # remove the leading '# ' of its block and edit it; to leave one out, add its id to\n\
         # `exclude = [...]` under [[intervention]].\n",
    );
    let mut illustrative = 0;
    for c in cons {
        let Some(item) = kb.item(&c.item) else {
            continue;
        };
        let p = kb.price(group, &c.item);
        let ill = c.values.iter().any(|v| is_illustrative(&v.source))
            || p.is_some_and(|p| is_illustrative(&p.source));
        if ill {
            illustrative += 1;
        }
        s += "\n";
        s += &format!(
            "# {} — {}, {} ({}){}\n",
            item.name,
            item.area,
            item.unit,
            serde_json::to_string(&item.kind)?.trim_matches('"'),
            if ill {
                t(" — ILLUSTRATIVE tal", " — ILLUSTRATIVE numbers")
            } else {
                ""
            }
        );
        s += "# [[intervention.consequence]]\n";
        s += &format!("# item = {}\n", quote(&item.id));
        let vals: Vec<String> = c.values.iter().map(|v| format!("{}", v.value)).collect();
        s += &format!("# values = [{}]\n", vals.join(", "));
        if let Some(p) = p {
            let parts: Vec<String> = crate::kb::KB_ACTORS
                .iter()
                .zip(p.amounts)
                .filter(|(_, a)| *a != 0.0)
                .map(|(k, a)| format!("{k} = {a}"))
                .collect();
            s += &format!("# prices = {{ {} }}\n", parts.join(", "));
            s += &format!("# price_year = {}\n", p.price_year);
        }
        s += &format!(
            "# source = {}\n",
            quote(
                &c.values
                    .first()
                    .map(|v| v.source.clone())
                    .unwrap_or_default()
            )
        );
    }
    // the uncertainty ranges: wider for the consequences when the social services carry the result
    let social = crate::scenario::parse(std::path::Path::new("new.toml"), &s, kb)
        .ok()
        .and_then(|sc| {
            let iv = sc.interventions.first()?;
            let c = crate::model::calculate(&sc, iv);
            crate::model::gain_share(&c.areas, crate::model::SOCIAL_SERVICES_AREA)
        })
        .filter(|x| *x > crate::model::SOCIAL_SERVICES_FLAG_SHARE);
    s += &format!(
        "\n[intervention.uncertainty]              # {}\n",
        t(
            "usikkerhed til Monte Carlo (soem mc); ret intervallerne til jeres viden",
            "uncertainty for the Monte Carlo (soem mc); fit the ranges to what you know"
        )
    );
    s += "success_rate = { dist = \"pert\", min = 0.08, mode = 0.15, max = 0.25 }\n";
    match social {
        Some(share) => {
            s += &format!(
                "# {} {} {}\n",
                t("Sociale serviceydelser står for", "Social services carry"),
                crate::present::format::pct(share, 0, lang),
                t(
                    "af gevinsterne, og SØM kalder deres estimater de mest usikre og\n\
                     # sandsynligvis overvurderede (seed 002): derfor et bredere interval, skævt nedad.",
                    "of the gains, and SØM calls their estimates the least certain and probably\n\
                     # overestimated (seed 002): hence a wider range, skewed downwards."
                )
            );
            s += "consequences = { dist = \"triangular\", min = 0.5, mode = 0.9, max = 1.2, per = \"area\" }\n";
        }
        None => {
            s += "consequences = { dist = \"uniform\", min = 0.8, max = 1.2, per = \"area\" }\n";
        }
    }
    s += "costs = { dist = \"triangular\", min = 0.9, mode = 1.0, max = 1.3 }\n";
    if illustrative > 0 {
        s += &format!(
            "\n# {}: {illustrative} {}\n",
            t("OBS", "NOTE"),
            t(
                "af disse konsekvenser har ILLUSTRATIVE tal (ikke fra SØM's referencemateriale);\n\
                 # alle resultater, der bruger dem, siger det.",
                "of these items carry ILLUSTRATIVE numbers (not from the SØM reference\n\
                 # material); every result computed with them says so."
            )
        );
    }
    Ok(s)
}
