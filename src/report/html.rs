//! The report page: one self-contained HTML file (inline SVG and CSS, a print stylesheet, no
//! network), headed by the answer in plain Danish (or English), then the course's presentations
//! for the chosen purpose, the analyses behind them, and the assumptions.

use std::path::Path;

use super::charts::{self, Chart};
use super::{Options, Purpose, Summary};
use crate::cli::table::actor_label;
use crate::scenario::Scenario;
use crate::text::{Lang, kr, pct};

/// HTML-escapes user text.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// An amount rounded to thousands for text: `-7.319.000 kr.`.
fn rkr(v: f64, lang: Lang) -> String {
    kr((v / 1000.0).round() * 1000.0, lang)
}

fn fig(
    out: &mut Vec<(String, String)>,
    dir: &Path,
    name: String,
    chart: &impl Chart,
) -> Result<(), String> {
    let svg = charts::render(chart, &dir.join(format!("{name}.png")))?;
    out.push((name, svg));
    Ok(())
}

/// Draws every figure (SVG text returned, PNG written into `dir`).
pub fn figures(s: &Summary, lang: Lang, dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (i, c) in s.calc.iter().enumerate() {
        let id = &c.id;
        fig(
            &mut out,
            dir,
            format!("net_{id}"),
            &charts::NetBars {
                title: format!(
                    "{} — {id}",
                    lang.t(
                        "Nettogevinst pr. år og aktør",
                        "Net gain per year and actor"
                    )
                ),
                years: c.years.clone(),
                series: c
                    .net
                    .0
                    .iter()
                    .skip(1)
                    .map(|(k, v)| (actor_label(k, lang), v.clone()))
                    .collect(),
                lang,
                y_label: lang.t("tusinde kr.", "thousand kr.").into(),
            },
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
            let b = m.break_even_year.get("total")?;
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
                cumulative: c.cumulative_pv.get("total").cloned().unwrap_or_default(),
                band,
                lang,
            },
        )?;
        if let Some(d) = s.require.get(i).and_then(|r| r.details.get("total")) {
            fig(
                &mut out,
                dir,
                format!("requirement_{id}"),
                &charts::Requirement {
                    title: format!(
                        "{} — {id}",
                        lang.t(
                            "Nutidsværdi efter succesrate (rød: krævet, orange: antaget)",
                            "Present value by success rate (red: required, orange: assumed)"
                        )
                    ),
                    pv0: d.pv_at_zero,
                    slope: d.slope,
                    assumed: c.success_rate,
                    required: d.success_rate,
                    lang,
                },
            )?;
        }
        if let Some(t) = s.tornado.get(i) {
            fig(
                &mut out,
                dir,
                format!("tornado_{id}"),
                &charts::Tornado {
                    title: format!("{} — {id}", lang.t("Tornado (±20 %)", "Tornado (±20%)")),
                    base: t.base,
                    bars: t
                        .bars
                        .iter()
                        .take(12)
                        .map(|b| (crate::cli::tornado::label(b, lang), b.low, b.high))
                        .collect(),
                    lang,
                },
            )?;
        }
        if let Some(m) = mc {
            let interval = m.pv.get("total").map_or([0.0, 0.0], |p| p.interval);
            fig(
                &mut out,
                dir,
                format!("histogram_{id}"),
                &charts::Histogram {
                    title: format!(
                        "{} — {id}",
                        lang.t(
                            "Monte Carlo: nutidsværdi i alt (linjer: interval)",
                            "Monte Carlo: total present value (lines: interval)"
                        )
                    ),
                    edges: m.histogram.edges.clone(),
                    counts: m.histogram.counts.clone(),
                    interval,
                    lang,
                },
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
            &charts::Overlap {
                title: lang
                    .t(
                        "Intervaller for nutidsværdi i alt (streg: median)",
                        "Intervals of the total present value (bar: median)",
                    )
                    .into(),
                rows: s
                    .mc
                    .iter()
                    .filter_map(|m| {
                        let p = m.pv.get("total")?;
                        Some((m.id.clone(), p.interval[0], p.p50, p.interval[1]))
                    })
                    .collect(),
                lang,
            },
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
th:first-child,td:first-child{text-align:left}th{background:#f3f3f3}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}
@media print{body{max-width:none;margin:0}h2{page-break-after:avoid}figure,table{page-break-inside:avoid}.noprint{display:none}}
";

fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in header {
        s += &format!("<th>{}</th>", esc(h));
    }
    s += "</tr></thead><tbody>";
    for r in rows {
        s += "<tr>";
        for c in r {
            s += &format!("<td>{}</td>", esc(c));
        }
        s += "</tr>";
    }
    s + "</tbody></table>\n"
}

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
    let shows = |p: Purpose| opt.purpose == Purpose::All || opt.purpose == p;
    let interval = pct(sc.monte_carlo.interval, 0, lang);
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>\n",
        if lang == Lang::Da { "da" } else { "en" },
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
    for (i, c) in s.calc.iter().enumerate() {
        let Some(m) = s.mc.get(i) else { continue };
        let Some(p) = m.pv.get("total") else { continue };
        h += &format!(
            "<p><b>{}</b> ({}–{}): {} <b>{}</b>; {interval}-{} {} {} {}; {} {}</p>\n",
            esc(&c.name),
            c.result_period[0],
            c.result_period[1],
            l(
                "bedste bud på nettogevinsten for den offentlige sektor er",
                "the best estimate of the net gain for the public sector is"
            ),
            rkr(p.deterministic, lang),
            l("interval", "interval"),
            rkr(p.interval[0], lang),
            l("til", "to"),
            rkr(p.interval[1], lang),
            l("sandsynlighed for gevinst", "chance of a gain"),
            pct(p.p_positive, 0, lang)
        );
        if shows(Purpose::Investment)
            && let Some(b) = m.break_even_year.get("total")
        {
            let since = |y: f64| y - f64::from(c.start_year) + 1.0;
            h += &match (b.p10, b.p90) {
                (Some(a), Some(z)) if b.share_none < 0.5 => format!(
                    "<p>{} {:.0}–{:.0} ({}–{}); {} {}.</p>\n",
                    l("Tilbagebetalt i år", "Paid back in year"),
                    since(a),
                    since(z),
                    a,
                    z,
                    l(
                        "ikke tilbagebetalt i horisonten i",
                        "not paid back within the horizon in"
                    ),
                    pct(b.share_none, 0, lang)
                ),
                _ => format!(
                    "<p>{} {} ({} {}).</p>\n",
                    l("Ikke tilbagebetalt inden", "Not paid back by"),
                    b.horizon_end,
                    pct(b.share_none, 0, lang),
                    l("af trækkene", "of the draws")
                ),
            };
        }
        if shows(Purpose::Budget) {
            h += &format!(
                "<p>{} {}</p>\n",
                l(
                    "Minimumstal til budgettet (nedre grænse af intervallet):",
                    "Minimum figure for the budget (low end of the interval):"
                ),
                rkr(p.interval[0], lang)
            );
        }
    }
    if let Some(cmp) = &s.comparison
        && shows(Purpose::Prioritisation)
    {
        for p in &cmp.pairs {
            let size = if p.overlap_share < 0.25 {
                l("Lille overlap", "Small overlap")
            } else if p.overlap_share < 0.6 {
                l("Mellemstort overlap", "Medium overlap")
            } else {
                l("Stort overlap", "Large overlap")
            };
            h += &format!(
                "<p>{} {} {}: <b>{size}: {} {}</b> ({} {}).</p>\n",
                esc(&p.a),
                l("mod", "vs"),
                esc(&p.b),
                pct(p.wrong_choice_risk, 0, lang),
                l(
                    "risiko for at vælge den forkerte indsats",
                    "risk of choosing the wrong intervention"
                ),
                l("bedste bud:", "best estimate:"),
                esc(&p.best_estimate)
            );
        }
    }
    h += "</div>\n";
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
            let rows: Vec<Vec<String>> = cmp
                .pairs
                .iter()
                .map(|p| {
                    vec![
                        format!("{} / {}", p.a, p.b),
                        p.interval_overlap.map_or("–".into(), |o| {
                            format!("{} – {}", rkr(o[0], lang), rkr(o[1], lang))
                        }),
                        pct(p.overlap_share, 0, lang),
                        pct(p.p_a_better, 1, lang),
                        pct(p.wrong_choice_risk, 1, lang),
                    ]
                })
                .collect();
            h += &table(
                &[
                    l("Par", "Pair").into(),
                    l("Overlap (kr.)", "Overlap (kr.)").into(),
                    l("Overlap-andel", "Overlap share").into(),
                    "P(A > B)".into(),
                    l("Risiko for forkert valg", "Risk of the wrong choice").into(),
                ],
                &rows,
            );
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
                l(
                    "Summen af minimumstal er for forsigtig: det er usandsynligt, at alle indsatser rammer bunden samtidig.",
                    "Summed minimums are too conservative: all interventions are unlikely to hit their low end at once."
                )
            );
            for w in &pf.warnings {
                h += &format!("<p class=\"warn\">{}</p>\n", esc(w));
            }
            h += &budget_table(&pf.by_year, lang);
        }
    }
    for (i, c) in s.calc.iter().enumerate() {
        let id = &c.id;
        h += &format!("<h2>{} ({})</h2>\n", esc(&c.name), esc(id));
        h += &figure(figs, &format!("net_{id}"));
        let rows: Vec<Vec<String>> =
            c.pv.0
                .iter()
                .map(|(k, v)| {
                    vec![
                        actor_label(k, lang),
                        kr(*v, lang),
                        c.break_even_year
                            .get(k)
                            .copied()
                            .flatten()
                            .map_or(l("ingen i horisonten", "none in the horizon").into(), |y| {
                                y.to_string()
                            }),
                    ]
                })
                .collect();
        h += &table(
            &[
                l("Aktør", "Actor").into(),
                format!(
                    "{} {}–{}",
                    l("Nutidsværdi", "Present value"),
                    c.result_period[0],
                    c.result_period[1]
                ),
                l("Break-even år", "Break-even year").into(),
            ],
            &rows,
        );
        h += &figure(figs, &format!("areas_{id}"));
        let area_rows: Vec<Vec<String>> = c
            .areas
            .iter()
            .map(|a| {
                vec![
                    a.area.clone(),
                    kr(a.pv.get("total").copied().unwrap_or(0.0), lang),
                ]
            })
            .collect();
        h += &table(
            &[
                l("Område", "Area").into(),
                l("Nutidsværdi i alt", "Total present value").into(),
            ],
            &area_rows,
        );
        if shows(Purpose::Investment) {
            h += &figure(figs, &format!("cumulative_{id}"));
            h += &figure(figs, &format!("break_even_{id}"));
        }
        if let Some(r) = s.require.get(i) {
            h += &format!("<h3>{}</h3>\n", l("Kravanalyse", "Requirement analysis"));
            for (k, d) in &r.details.0 {
                h += &format!(
                    "<p>{}: {}</p>\n",
                    actor_label(k, lang),
                    esc(&crate::cli::require_sentence(
                        d.success_rate,
                        r.assumed_success_rate,
                        lang
                    ))
                );
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
        if let Some(m) = s.mc.get(i) {
            h += &format!(
                "<h3>{}</h3>\n",
                l("Usikkerhed (Monte Carlo)", "Uncertainty (Monte Carlo)")
            );
            h += &figure(figs, &format!("histogram_{id}"));
            let rows: Vec<Vec<String>> =
                m.pv.0
                    .iter()
                    .map(|(k, p)| {
                        vec![
                            actor_label(k, lang),
                            rkr(p.deterministic, lang),
                            format!(
                                "{} – {}",
                                rkr(p.interval[0], lang),
                                rkr(p.interval[1], lang)
                            ),
                            pct(p.p_positive, 0, lang),
                        ]
                    })
                    .collect();
            h += &table(
                &[
                    l("Aktør", "Actor").into(),
                    l("Bedste bud", "Best estimate").into(),
                    format!("{interval}-{}", l("interval", "interval")),
                    l("P(gevinst)", "P(gain)").into(),
                ],
                &rows,
            );
            if let Some(si) = &m.split_incentive {
                for (actor, p) in &si.loses_while_total_gains.0 {
                    if *p >= 0.01 {
                        h += &format!(
                            "<p class=\"warn\">{}: {} {}.</p>\n",
                            esc(&actor_label(actor, lang)),
                            l(
                                "taber, mens den offentlige sektor samlet vinder, med sandsynlighed",
                                "loses while the public sector as a whole gains, with probability"
                            ),
                            pct(*p, 0, lang)
                        );
                    }
                }
            }
            if shows(Purpose::Budget)
                && s.comparison.is_none()
                && let Some(y) = &m.by_year
            {
                h += &budget_table(y, lang);
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
            let mut header: Vec<String> = g.dimensions.iter().map(|d| d.name.clone()).collect();
            header.push(l("Nutidsværdi i alt", "Total present value").into());
            let rows: Vec<Vec<String>> = (0..g.points.min(200))
                .map(|p| {
                    let mut r: Vec<String> =
                        g.coordinates(p).iter().map(|v| v.to_string()).collect();
                    r.push(kr(g.pv[p * g.keys.len()], lang));
                    r
                })
                .collect();
            h += &table(&header, &rows);
        }
    }
    h += &assumptions(sc, s, lang);
    h += "</body></html>\n";
    h
}

fn budget_table(years: &[crate::analysis::mc::BudgetYear], lang: Lang) -> String {
    let Some(first) = years.first() else {
        return String::new();
    };
    let mut header = vec![
        lang.t("År: minimum (kr.)", "Year: minimum (kr.)")
            .to_string(),
    ];
    header.extend(first.net.0.iter().map(|(k, _)| actor_label(k, lang)));
    let rows: Vec<Vec<String>> = years
        .iter()
        .map(|y| {
            let mut r = vec![y.year.to_string()];
            r.extend(y.net.0.iter().map(|(_, v)| rkr(v.low, lang)));
            r
        })
        .collect();
    table(&header, &rows)
}

fn assumptions(sc: &Scenario, s: &Summary, lang: Lang) -> String {
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let mut h = format!("<h2>{}</h2>\n", l("Forudsætninger", "Assumptions"));
    let rows: Vec<Vec<String>> = s
        .logbook
        .iter()
        .map(|e| {
            vec![
                e.input.clone(),
                e.note.clone().unwrap_or_default(),
                e.source.clone().unwrap_or_default(),
            ]
        })
        .collect();
    h += &format!(
        "<h3>{}</h3>\n",
        l(
            "Logbog: input, noter og kilder",
            "Logbook: inputs, notes and sources"
        )
    );
    h += &table(
        &[
            l("Input", "Input").into(),
            l("Note", "Note").into(),
            l("Kilde", "Source").into(),
        ],
        &rows,
    );
    h += &format!(
        "<h3>{}</h3>\n",
        l("Usikkerhedsintervaller", "Uncertainty ranges")
    );
    let rows: Vec<Vec<String>> = sc
        .interventions
        .iter()
        .flat_map(|iv| {
            let u = &iv.uncertainty;
            let mut r = Vec::new();
            let d = |x: &crate::dist::Dist| serde_json::to_string(x).unwrap_or_default();
            if let Some(x) = &u.success_rate {
                r.push(vec![
                    iv.id.clone(),
                    l("succesrate", "success rate").into(),
                    d(x),
                ]);
            }
            if let Some(x) = &u.consequences {
                r.push(vec![
                    iv.id.clone(),
                    format!(
                        "{} ({:?})",
                        l("konsekvensfaktor", "consequence factor"),
                        x.per
                    )
                    .to_lowercase(),
                    d(&x.dist),
                ]);
            }
            if let Some(x) = &u.prices {
                r.push(vec![
                    iv.id.clone(),
                    format!("{} ({:?})", l("prisfaktor", "price factor"), x.per).to_lowercase(),
                    d(&x.dist),
                ]);
            }
            if let Some(x) = &u.costs {
                r.push(vec![
                    iv.id.clone(),
                    l("omkostningsfaktor", "cost factor").into(),
                    d(x),
                ]);
            }
            r
        })
        .collect();
    h += &table(
        &[
            l("Indsats", "Intervention").into(),
            l("Input", "Input").into(),
            l("Fordeling", "Distribution").into(),
        ],
        &rows,
    );
    h += &format!(
        "<h3>{}</h3>\n",
        l("Vidensdatabasens rækker", "Knowledge-base rows used")
    );
    let from = |file: &str| -> Option<String> {
        let t = s.knowledge.iter().find(|t| t.file == file)?;
        (!t.shipped).then(|| t.path.display().to_string())
    };
    // consequences and prices are the tables an item's numbers come from
    let own: Vec<String> = ["consequences.csv", "prices.csv"]
        .iter()
        .filter_map(|f| from(f))
        .collect();
    let item_from = if own.is_empty() {
        l("medfølgende vidensdatabase", "shipped knowledge base").to_string()
    } else {
        own.join(", ")
    };
    let rows: Vec<Vec<String>> = s
        .calc
        .iter()
        .flat_map(|c| {
            let item_from = &item_from;
            c.items.iter().map(move |it| {
                vec![
                    c.id.clone(),
                    format!("{} ({})", it.name, it.id),
                    format!("{:?}", it.origin).to_lowercase(),
                    it.sources.join("; "),
                    item_from.clone(),
                ]
            })
        })
        .collect();
    h += &table(
        &[
            l("Indsats", "Intervention").into(),
            l("Post", "Item").into(),
            l("Oprindelse", "Origin").into(),
            l("Kilde", "Source").into(),
            l("Læst fra", "Read from").into(),
        ],
        &rows,
    );
    if s.knowledge.iter().any(|t| !t.shipped) {
        h += &format!(
            "<p>{}</p>\n",
            l(
                "Vidensdatabasen er en blanding: tabellerne herunder fra din mappe erstatter de medfølgende; resten er de medfølgende tabeller.",
                "The knowledge base is a mix: the tables below from your folder replace the shipped ones; the rest are the shipped tables."
            )
        );
    }
    let rows: Vec<Vec<String>> = s.knowledge.iter().map(|t| t.cells(lang)).collect();
    h += &table(
        &[
            l("Tabel", "Table").into(),
            l("Læst fra", "Read from").into(),
            l("Format", "Format").into(),
            l("Rækker", "Rows").into(),
        ],
        &rows,
    );
    for w in &s.warnings {
        h += &format!("<p class=\"warn\">{}</p>\n", esc(w));
    }
    let p = &s.provenance;
    h += &format!(
        "<p class=\"meta\">{} {} · {} {} · {} · {} {} · {} {}</p>\n",
        l("Frø", "Seed"),
        p.seed,
        crate::text::int(p.draws as f64, lang),
        l("træk", "draws"),
        esc(&p.engine),
        l("vidensdatabase", "knowledge base"),
        esc(&p.knowledge_base),
        l("scenarie", "scenario"),
        esc(&p.scenario)
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
    let days = (secs / 86_400) as i64;
    let (h, m) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // civil date from days since 1970-01-01 (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02} UTC")
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_text_is_escaped() {
        assert_eq!(
            super::esc("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
