//! The report page: one self-contained HTML file (inline SVG and CSS, a print stylesheet, no
//! network), headed by the answer in plain Danish (or English), then the course's presentations
//! for the chosen purpose, the analyses behind them, and the assumptions.

use std::path::Path;

use super::Options;
use super::charts::{self, Chart};
use crate::analysis::decision::{Purpose, Summary};
use crate::error::ReportError;
use crate::model::TOTAL;
use crate::present::format::{Lang, rkr};
use crate::present::table::esc;
use crate::present::view;
use crate::present::words;
use crate::scenario::Scenario;

fn fig(
    out: &mut Vec<(String, String)>,
    dir: &Path,
    name: String,
    chart: &impl Chart,
) -> Result<(), ReportError> {
    let svg = charts::render(chart, &dir.join(format!("{name}.png")))?;
    out.push((name, svg));
    Ok(())
}

/// Draws every figure (SVG text returned, PNG written into `dir`).
pub fn figures(s: &Summary, lang: Lang, dir: &Path) -> Result<Vec<(String, String)>, ReportError> {
    let mut out = Vec::new();
    // a portfolio of many interventions: no figures per intervention (its tables stay)
    let per_intervention = if view::decision::figures_per_intervention(s) {
        s.calc.len()
    } else {
        0
    };
    for (i, c) in s.calc.iter().enumerate().take(per_intervention) {
        let id = &c.id;
        fig(
            &mut out,
            dir,
            format!("net_{id}"),
            &charts::net_bars(c, lang),
        )?;
        fig(
            &mut out,
            dir,
            format!("areas_{id}"),
            &charts::NetBars {
                title: format!(
                    "{} — {id}",
                    lang.t(
                        "Nettogevinst pr. år og område",
                        "Net gain per year and area"
                    )
                ),
                years: c.years.clone(),
                series: c
                    .areas
                    .iter()
                    .map(|a| (a.area.clone(), a.net.clone()))
                    .collect(),
                lang,
                y_label: lang.t("tusinde kr.", "thousand kr.").into(),
            },
        )?;
        let mc = s.mc.get(i);
        let band = mc.and_then(|m| {
            let b = m.break_even_year.get(TOTAL)?;
            Some((b.p10?, b.p90?))
        });
        fig(
            &mut out,
            dir,
            format!("cumulative_{id}"),
            &charts::Cumulative {
                title: format!(
                    "{} — {id}",
                    lang.t(
                        "Akkumuleret nutidsværdi, i alt (grønt: break-even p10–p90)",
                        "Cumulative present value, total (green: break-even p10–p90)"
                    )
                ),
                years: c.years.clone(),
                cumulative: c.cumulative_pv.get(TOTAL).cloned().unwrap_or_default(),
                band,
                lang,
            },
        )?;
        if let Some(d) = s.require.get(i).and_then(|r| r.details.get(TOTAL)) {
            fig(
                &mut out,
                dir,
                format!("requirement_{id}"),
                &charts::requirement(c, d, lang),
            )?;
        }
        if let Some(t) = s.tornado.get(i) {
            fig(
                &mut out,
                dir,
                format!("tornado_{id}"),
                &charts::tornado(t, lang),
            )?;
        }
        if let Some(d) = mc.and_then(|m| charts::drivers(m, lang)) {
            fig(&mut out, dir, format!("drivers_{id}"), &d)?;
        }
        if let Some(m) = mc {
            fig(
                &mut out,
                dir,
                format!("histogram_{id}"),
                &charts::histogram(m, lang),
            )?;
            fig(
                &mut out,
                dir,
                format!("risk_{id}"),
                &charts::risk_profile(m, lang),
            )?;
            if m.break_even_distribution.iter().any(|(_, s)| *s > 0.0) {
                fig(
                    &mut out,
                    dir,
                    format!("break_even_{id}"),
                    &charts::YearBars {
                        title: format!(
                            "{} — {id}",
                            lang.t(
                                "Break-even år, andel af trækkene",
                                "Break-even year, share of draws"
                            )
                        ),
                        shares: m.break_even_distribution.clone(),
                    },
                )?;
            }
        }
    }
    if s.comparison.is_some() {
        fig(
            &mut out,
            dir,
            "overlap".into(),
            &charts::overlap(&s.mc, lang),
        )?;
    }
    Ok(out)
}

const CSS: &str = "
body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #1f5aa0;padding-bottom:.2em;margin-top:2em}
.meta{color:#666;font-size:.9em}.answer{background:#eef4fb;border-left:5px solid #1f5aa0;padding:.8em 1em;margin:1em 0}
.answer p{margin:.3em 0;font-size:1.08em}.warn{background:#fff4e5;border-left:5px solid #dc781e;padding:.6em 1em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:right}
th:first-child,td:first-child,th.l,td.l{text-align:left}th{background:#f3f3f3}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}
@media print{body{max-width:none;margin:0}h2{page-break-after:avoid}figure,table{page-break-inside:avoid}.noprint{display:none}}
";

fn figure(figs: &[(String, String)], name: &str) -> String {
    figs.iter()
        .find(|(n, _)| n == name)
        .map(|(_, svg)| {
            // the XML declaration is not wanted inline
            let body = svg.find("<svg").map_or(svg.as_str(), |i| &svg[i..]);
            format!("<figure data-png=\"{}\">{body}</figure>\n", esc(name))
        })
        .unwrap_or_default()
}

/// The page.
pub fn page(sc: &Scenario, s: &Summary, opt: &Options, figs: &[(String, String)]) -> String {
    let lang = opt.lang;
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let shows = |p: Purpose| opt.purpose.shows(p);
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>\n",
        lang.code(),
        esc(&s.title)
    );
    h += &format!("<h1>{}</h1>\n", esc(&s.title));
    h += &format!(
        "<p class=\"meta\">{} {} · {} · {} {}</p>\n",
        l(
            "Socialøkonomisk analyse med SØM ·",
            "Socio-economic analysis with SØM ·"
        ),
        esc(&sc
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()),
        esc(&s.provenance.engine),
        l("genereret", "generated"),
        generated_at()
    );
    // the answer first
    h += "<div class=\"answer\">\n";
    for line in view::decision::answer(s, opt.purpose, sc.monte_carlo.interval, lang) {
        h += "<p>";
        for (text, bold) in line {
            h += &if bold {
                format!("<b>{}</b>", esc(&text))
            } else {
                esc(&text)
            };
        }
        h += "</p>\n";
    }
    h += "</div>\n";
    if let Some(case) = &sc.case {
        let (pv, period) = crate::model::sum::total_pv(sc, &s.calc);
        h += &format!("<h2>{}</h2>\n", esc(words::case_heading(lang)));
        for line in words::case_lines(case, pv, period, lang) {
            h += &format!("<p>{}</p>\n", esc(&line));
        }
    }
    if !s.illustrative.is_empty() {
        let mut items: Vec<String> = Vec::new();
        for i in &s.illustrative {
            let item = format!("{} ({})", esc(&i.name), esc(&i.item));
            if !items.contains(&item) {
                items.push(item);
            }
        }
        h += &format!(
            "<p class=\"warn\"><b>{}</b> {}</p>\n",
            l("OBS: illustrative tal.", "Note: illustrative numbers."),
            l(
                "Disse poster bruger tal, der ikke kommer fra SØM's referencemateriale: ",
                "These items use numbers that are not from SØM's reference material: "
            )
            .to_string()
                + &items.join(", ")
        );
    }
    if let Some(cmp) = &s.comparison {
        if shows(Purpose::Prioritisation) {
            h += &format!(
                "<h2>{}</h2>\n",
                l(
                    "Prioritering mellem indsatser",
                    "Prioritisation between interventions"
                )
            );
            h += &figure(figs, "overlap");
            h += &view::mc::ranking(cmp, TOTAL, lang).to_titled_html(lang);
            if let Some(v) = &cmp.value_of_information {
                h += &view::mc::value_html(v, lang);
            }
            if view::decision::shows_pairs(cmp) {
                h += &view::mc::pairs(cmp, lang).to_html(lang);
            } else {
                h += &format!(
                    "<p>{}</p>\n",
                    esc(l(
                        "Alle par med overlap og risiko for forkert valg står i tables.xlsx og tables/comparison.csv.",
                        "Every pair with its overlap and risk of the wrong choice is in tables.xlsx and tables/comparison.csv."
                    ))
                );
            }
        }
        if shows(Purpose::Budget) {
            let pf = &cmp.portfolio;
            h += &format!(
                "<h2>{}</h2>\n",
                l(
                    "Budget: porteføljens minimumstal",
                    "Budget: the portfolio's minimum"
                )
            );
            h += &format!(
                "<p>{} <b>{}</b> — {} {} — {}</p>\n",
                l(
                    "Minimumstal for alle indsatser samlet (fælles træk):",
                    "Minimum for all interventions together (joint draws):"
                ),
                rkr(pf.low, lang),
                l(
                    "Summen af de enkelte minimumstal er",
                    "The sum of the individual minimums is"
                ),
                rkr(pf.sum_of_lows, lang),
                words::summed_minimums(lang)
            );
            // the sum's cautions below say the same (double counting)
            for w in pf.warnings.iter().filter(|_| pf.sum.is_none()) {
                h += &format!("<p class=\"warn\">{}</p>\n", esc(&words::warning(w, lang)));
            }
            h += &view::mc::budget_years(&pf.by_year, lang).to_html(lang);
            if let Some(sum) = &pf.sum {
                let (tables, cautions) = view::calc::sum_parts(sum, sc.settings.price_year, lang);
                for t in &tables {
                    h += &t.to_titled_html(lang);
                }
                if !cautions.is_empty() {
                    h += &format!("<p>{}</p>\n", esc(words::cautions_heading(lang)));
                    for c in cautions {
                        h += &format!("<p class=\"warn\">– {}</p>\n", esc(&c));
                    }
                }
            }
        }
    }
    if !view::decision::figures_per_intervention(s) {
        h += &format!(
            "<p class=\"meta\">{}</p>\n",
            esc(l(
                "Med så mange indsatser viser afsnittene herunder tabellerne uden figurer.",
                "With this many interventions the sections below show their tables without figures."
            ))
        );
    }
    for (i, c) in s.calc.iter().enumerate() {
        let id = &c.id;
        h += &format!("<h2>{} ({})</h2>\n", esc(&c.name), esc(id));
        h += &figure(figs, &format!("net_{id}"));
        h += &view::calc::present_value(c, lang).to_html(lang);
        if let Some(t) = view::calc::relations(c, lang) {
            h += &t.to_titled_html(lang);
        }
        h += &figure(figs, &format!("areas_{id}"));
        h += &view::calc::areas(c, lang).to_html(lang);
        for f in &c.flags {
            h += &format!("<p class=\"warn\">{}</p>\n", esc(&words::flag(f, lang)));
        }
        if shows(Purpose::Investment) {
            h += &figure(figs, &format!("cumulative_{id}"));
            h += &figure(figs, &format!("break_even_{id}"));
        }
        if let Some(r) = s.require.get(i) {
            h += &format!("<h3>{}</h3>\n", l("Kravanalyse", "Requirement analysis"));
            for (k, d) in &r.details.0 {
                h += &format!(
                    "<p>{}: {}</p>\n",
                    words::actor(k, lang),
                    esc(&words::requirement(
                        d.success_rate,
                        r.assumed_success_rate,
                        lang
                    ))
                );
            }
            if let Some(line) = words::effect_check(r, lang) {
                h += &format!("<p>{}.</p>\n", esc(&line));
            }
            h += &figure(figs, &format!("requirement_{id}"));
        }
        h += &format!(
            "<h3>{}</h3>\n",
            l(
                "Følsomhed: hvad betyder mest?",
                "Sensitivity: what matters most?"
            )
        );
        h += &figure(figs, &format!("tornado_{id}"));
        if let Some(m) = s.mc.get(i)
            && (m.sensitivity.is_some() || m.rank_sensitivity.is_some())
        {
            h += &format!(
                "<p>{}</p>\n",
                esc(l(
                    "Tornadoen flytter én størrelse ad gangen ±20 %. Søjlerne herunder viser i stedet, hvor stor en del af usikkerheden i Monte Carlo-beregningen hver usikker størrelse står for — alene og sammen med de andre (Sobol-indeks, beregnet eksakt af fordelingerne).",
                    "The tornado moves one input at a time by ±20%. The bars below show instead how much of the Monte Carlo uncertainty each uncertain input causes — alone and together with the others (Sobol indices, computed exactly from the distributions)."
                ))
            );
            h += &figure(figs, &format!("drivers_{id}"));
            if let Some(t) = view::mc::sensitivity(m, TOTAL, lang) {
                h += &t.to_titled_html(lang);
            } else if let Some(t) = view::mc::rank_sensitivity(m, TOTAL, lang) {
                h += &format!("<p>{}</p>\n", esc(words::correlated_sensitivity(lang)));
                h += &t.to_titled_html(lang);
            }
        }
        if let Some(m) = s.mc.get(i) {
            h += &format!(
                "<h3>{}</h3>\n",
                l("Usikkerhed (Monte Carlo)", "Uncertainty (Monte Carlo)")
            );
            h += &figure(figs, &format!("histogram_{id}"));
            h += &figure(figs, &format!("risk_{id}"));
            if let Some(p) = m.pv.get(TOTAL) {
                let zero = crate::analysis::mc::AtLeast {
                    amount: 0.0,
                    p: p.p_positive,
                };
                let a = m.at_least.as_ref().unwrap_or(&zero);
                h += &format!("<p>{}</p>\n", esc(&words::at_least(a, lang)));
            }
            h += &view::mc::summary(m, lang)
                .titled(l("Tusinde kr.", "Thousand kr."))
                .to_html(lang);
            if let Some(p) = m.pv.get(TOTAL) {
                h += &format!(
                    "<p class=\"meta\">{}</p>\n",
                    esc(&words::precision(&p.precision, m.draws, lang))
                );
                if let Some(a) = &m.auto {
                    h += &format!(
                        "<p class=\"meta\">{}</p>\n",
                        esc(&words::auto_draws(a, m.draws, lang))
                    );
                }
            }
            for line in view::mc::split_incentives(m, 0.01, 0, lang) {
                h += &format!("<p class=\"warn\">{}.</p>\n", esc(&line));
            }
            if let Some(v) = &m.value_of_information {
                h += &view::mc::value_html(v, lang);
            }
            if shows(Purpose::Budget)
                && s.comparison.is_none()
                && let Some(y) = &m.by_year
            {
                h += &view::mc::budget_years(y, lang).to_html(lang);
            }
        }
    }
    for (name, grids) in &s.grids {
        for g in grids {
            h += &format!(
                "<h3>{} „{}“ — {}</h3>\n",
                l("Scenarieanalyse", "Scenario analysis"),
                esc(name),
                esc(&g.id)
            );
            h += &match view::grid::matrix(g) {
                Some(m) => view::grid::matrix_table(&m, lang, 200).to_html(lang),
                None => view::grid::points(g, lang, 200).to_html(lang),
            };
        }
    }
    h += &assumptions(sc, s, lang);
    h += "</body></html>\n";
    h
}

fn assumptions(sc: &Scenario, s: &Summary, lang: Lang) -> String {
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let mut h = format!("<h2>{}</h2>\n", l("Forudsætninger", "Assumptions"));
    h += &format!(
        "<h3>{}</h3>\n",
        l(
            "Indstillinger og indsatsernes forudsætninger",
            "Settings and the interventions' assumptions"
        )
    );
    h += &view::decision::settings(s, lang).to_html(lang);
    h += &format!(
        "<h3>{}</h3>\n",
        l(
            "Logbog: input, noter og kilder",
            "Logbook: inputs, notes and sources"
        )
    );
    h += &view::decision::logbook(s, lang).to_html(lang);
    h += &format!(
        "<h3>{}</h3>\n",
        l("Usikkerhedsintervaller", "Uncertainty ranges")
    );
    h += &view::decision::uncertainty(sc, lang).to_html(lang);
    let correlation = s
        .comparison
        .as_ref()
        .and_then(|c| c.correlation.as_ref())
        .or_else(|| s.mc.first().and_then(|m| m.correlation.as_ref()));
    if let Some(c) = correlation {
        h += &format!("<p>{}</p>\n", l("Korrelationer:", "Correlations:"));
        for line in words::correlation_lines(c, lang) {
            h += &format!("<p>– {}</p>\n", esc(&line));
        }
    }
    h += &format!(
        "<h3>{}</h3>\n",
        l("Vidensdatabasens rækker", "Knowledge-base rows used")
    );
    h += &view::decision::knowledge_rows(s, lang).to_html(lang);
    if s.knowledge.iter().any(|t| !t.shipped) {
        h += &format!(
            "<p>{}</p>\n",
            l(
                "Vidensdatabasen er en blanding: tabellerne herunder fra din mappe erstatter de medfølgende; resten er de medfølgende tabeller.",
                "The knowledge base is a mix: the tables below from your folder replace the shipped ones; the rest are the shipped tables."
            )
        );
    }
    h += &view::knowledge::sources(&s.knowledge, lang).to_html(lang);
    for w in &s.warnings {
        h += &format!("<p class=\"warn\">{}</p>\n", esc(&words::warning(w, lang)));
    }
    h += &format!(
        "<p class=\"meta\">{}</p>\n",
        esc(&words::provenance(&s.provenance, lang))
    );
    h += &format!(
        "<h3>{}</h3><p>{}</p>\n",
        l("Modellens grænser", "The model's limits"),
        l(
            "SØM beregner de budgetøkonomiske konsekvenser for den offentlige sektor: udgifter, indtægter og overførsler. Den måler ikke livskvalitet eller andre gevinster for borgeren, og tallene bygger på forudsætninger, der er listet ovenfor. Resultatet er beslutningsstøtte — SØM kan ikke alene afgøre, om en indsats bør sættes i gang.",
            "SØM computes the budget consequences for the public sector: expenditure, revenue and transfers. It does not measure quality of life or other gains for the citizen, and the figures rest on the assumptions listed above. The result supports a decision — SØM cannot by itself decide whether an intervention should go ahead."
        )
    );
    h
}

/// The generation time for the page header only (data files carry no time): UTC, minutes.
fn generated_at() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("{} UTC", crate::present::format::utc_minutes(secs))
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_text_is_escaped() {
        assert_eq!(
            crate::present::table::esc("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
