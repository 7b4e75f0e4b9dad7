//! `soem new`: a commented starting scenario for a knowledge-base target group. It loads and runs
//! as written; the group's consequences and prices are listed as commented-out override blocks so
//! a user sees every number the calculation takes from the knowledge base and can change it.

use anyhow::{Result, bail};

use crate::kb::{KnowledgeBase, is_illustrative};

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

/// The scenario text for `group` (and `goal`, default the group's first).
pub fn scenario(kb: &KnowledgeBase, group: &str, goal: Option<&str>) -> Result<String> {
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
    let start = this_year();
    let mut s = String::new();
    s += &format!("# Starting scenario for {} ({})\n", g.name, g.id);
    s += &format!(
        "# Success goal: {} ({}) — {}\n",
        goal.name, goal.id, goal.definition
    );
    s += "# Written by `soem new`. Replace the numbers marked CHANGE with your own, and keep a note and\n";
    s += "# source on each assumption: the report lists them as the logbook (Forudsætninger).\n";
    s += "# Run it with:  soem calc THIS-FILE\n\n";
    s += "[settings]\n";
    s += &format!(
        "price_year = {start}                       # price level and year of the present value\n"
    );
    s += &format!(
        "discount_rate = {}                    # knowledge-base default\n\n",
        kb.parameters.discount_rate
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
    s += "years = 1                               # years of operation\n";
    s += "course_years = 1.0                      # duration of one course, years\n";
    s += "participants = [20]                     # CHANGE: starters per year (one number per year)\n";
    s += "success_rate = 0.15                     # CHANGE: share who reach the goal because of the intervention\n";
    s += &format!("result_period = [{start}, {}]\n", start + 9);
    s += "costs = { kommune = [2000000] }         # CHANGE: kroner per year from start_year, per actor\n";
    s += "note = \"CHANGE: what the intervention is and where the numbers come from\"\n\n";
    s += "# The knowledge base gives these consequences per successful participant (years 1..K, then a\n";
    s += "# linear fade to zero in year 20) and prices per unit. They are used as they are. To change one,\n";
    s += "# remove the leading '# ' of its block and edit it; to leave one out, add its id to\n";
    s += "# `exclude = [...]` under [[intervention]].\n";
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
            if ill { " — ILLUSTRATIVE numbers" } else { "" }
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
    if illustrative > 0 {
        s += &format!(
            "\n# NOTE: {illustrative} of these items carry ILLUSTRATIVE numbers (not from the SØM reference\n# material); every result computed with them says so.\n"
        );
    }
    Ok(s)
}
