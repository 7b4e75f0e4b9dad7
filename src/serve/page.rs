//! The workbench's pages and live fragments, rendered on the server from the same views, words
//! and number formats as the terminal and the report ([`crate::present`], the report's charts).
//! The browser script (`assets/web/app.js`) only sends what the user typed and swaps in what
//! comes back, so every sentence and table layout stays in one place.
//!
//! Choices where the issue is silent: the success rate is typed in percent (14, not 0.14; the
//! input says `data-unit="percent"`), lists of years are typed with `;` between values, the live
//! Monte Carlo runs the file's draws up to 10,000 (the report and `soem mc` run all of them), and
//! the results panel computes the tab in view only.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::App;
use super::api::{blocking, entries, lang_of, parse, scenario_error_json};
use super::edit::{self, Edit};
use crate::model::TOTAL;
use crate::present::format::{Lang, kr, pct, tkr};
use crate::present::table::esc;
use crate::present::{view, words};
use crate::report::charts;
use crate::scenario::{Scenario, ScenarioError};

const APP_JS: &str = include_str!("../../assets/web/app.js");
const APP_CSS: &str = include_str!("../../assets/web/app.css");
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Draws of the live Monte Carlo at most.
pub const LIVE_DRAWS: u64 = 10_000;

/// The embedded scripts, styles and font.
pub async fn asset(UrlPath(file): UrlPath<String>) -> Response {
    let (ct, body): (&'static str, &'static [u8]) = match file.as_str() {
        "app.js" => ("text/javascript; charset=utf-8", APP_JS.as_bytes()),
        "app.css" => ("text/css; charset=utf-8", APP_CSS.as_bytes()),
        "DejaVuSans.ttf" => ("font/ttf", FONT),
        _ => return super::guard::not_found(),
    };
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=3600"),
    );
    r
}

/// The page around a body: header with the navigation and the language switch.
fn shell(app: &App, lang: Lang, title: &str, nav: &str, body: &str) -> String {
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let link = |href: &str, label: &str, key: &str| {
        format!(
            "<a href=\"{href}?lang={}\"{}>{}</a>",
            lang.code(),
            if key == nav { " class=\"on\"" } else { "" },
            esc(label)
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"csrf-token\" content=\"{csrf}\"><title>{title} — SØM</title>\
         <link rel=\"stylesheet\" href=\"/assets/app.css\"><script src=\"/assets/app.js\" defer></script>\
         </head><body data-lang=\"{code}\"><header class=\"top\"><a class=\"brand\" href=\"/?lang={code}\">SØM \
         <span>{brand}</span></a><nav>{calcs}{kb}</nav><span class=\"langs\">\
         <a href=\"?lang=da\" data-testid=\"lang-da\">Dansk</a> · <a href=\"?lang=en\" data-testid=\"lang-en\">English</a></span>\
         </header><main>{body}</main></body></html>\n",
        code = lang.code(),
        csrf = esc(&app.csrf),
        title = esc(title),
        brand = l("værkstedet", "workbench"),
        calcs = link("/", l("Beregninger", "Calculations"), "list"),
        kb = link("/knowledge", l("Vidensdatabase", "Knowledge base"), "kb"),
    )
}

fn page_response(html: String) -> Response {
    Html(html).into_response()
}

/// *Beregninger*: the folder's scenario files, and a new one from a target group.
pub async fn list(State(app): State<Arc<App>>, Query(q): Query<Vec<(String, String)>>) -> Response {
    let lang = lang_of(&q, &app);
    match blocking(move || list_html(&app, lang)).await {
        Ok(h) => page_response(h),
        Err(r) => r,
    }
}

fn list_html(app: &App, lang: Lang) -> String {
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{}</h1><p class=\"lead\">{} <code>{}</code>. {}</p>",
        l("Beregninger", "Calculations"),
        l("Scenariefilerne i", "The scenario files in"),
        esc(&app.ws.dir().display().to_string()),
        l(
            "Hver fil er en logbog: det, du ændrer her, gemmes i filen, og kommandolinjen læser den samme fil.",
            "Each file is a logbook: what you change here is saved in the file, and the command line reads the same file."
        )
    );
    match entries(app) {
        Err(e) => {
            let _ = write!(b, "<p class=\"error\">{}</p>", esc(&e.to_string()));
        }
        Ok(list) => {
            let _ = write!(
                b,
                "<table class=\"files\" data-testid=\"scenario-list\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"r\">{}</th><th>{}</th><th></th></tr></thead><tbody>",
                l("Titel", "Title"),
                l("Fil", "File"),
                l("Indsatser", "Interventions"),
                l(
                    "Nutidsværdi i alt (bedste skøn)",
                    "Total present value (best estimate)"
                ),
                l("Sidst ændret", "Last changed"),
            );
            for e in &list {
                let href = format!("/edit/{}?lang={}", url_escape(&e.name), lang.code());
                let pv = if let Some(err) = &e.error {
                    format!(
                        "<span class=\"error\" title=\"{}\">{}</span>",
                        esc(err),
                        l("fejl i filen", "error in the file")
                    )
                } else {
                    e.pv_total
                        .iter()
                        .map(|v| esc(&kr(*v, lang)))
                        .collect::<Vec<_>>()
                        .join("<br>")
                };
                let _ = write!(
                    b,
                    "<tr data-name=\"{n}\"><td><a href=\"{href}\">{t}</a></td><td><code>{n}</code></td><td>{ivs}</td><td class=\"r\">{pv}</td><td>{m}</td>\
                     <td class=\"actions\"><a class=\"btn\" href=\"{href}\">{open}</a> <button data-action=\"duplicate\" data-name=\"{n}\">{dup}</button> \
                     <button data-action=\"delete\" data-name=\"{n}\" data-confirm=\"{conf}\">{del}</button></td></tr>",
                    n = esc(&e.name),
                    t = esc(&e.title),
                    ivs = esc(&e.interventions.join(", ")),
                    m = e
                        .modified
                        .map(crate::present::format::utc_minutes)
                        .unwrap_or_default(),
                    open = l("Åbn", "Open"),
                    dup = l("Kopiér", "Duplicate"),
                    del = l("Slet", "Delete"),
                    conf = esc(&format!(
                        "{} {} {}",
                        l("Flyt", "Move"),
                        e.name,
                        l("til papirkurven (.trash)?", "to the trash (.trash)?")
                    )),
                );
            }
            b += "</tbody></table>";
        }
    }
    let _ = write!(
        b,
        "<section class=\"card\"><h2>{}</h2><p>{}</p><label>{} <select data-testid=\"target-group\" id=\"new-group\">",
        l("Ny beregning", "New calculation"),
        l(
            "Start fra en målgruppe i vidensdatabasen: dens succesmål, konsekvenser og priser kommer med, og alt kan ændres bagefter.",
            "Start from a target group in the knowledge base: its success goals, consequences and prices come along, and everything can be changed afterwards."
        ),
        l("Målgruppe", "Target group"),
    );
    for g in &app.kb.target_groups {
        let has = !app.kb.goals_of(&g.id).is_empty();
        if has {
            let _ = write!(
                b,
                "<option value=\"{}\">{} ({})</option>",
                esc(&g.id),
                esc(&g.name),
                esc(&g.theme)
            );
        }
    }
    let _ = write!(
        b,
        "</select></label> <button data-action=\"new\" data-testid=\"new-scenario\">{}</button> <span class=\"status\" id=\"status\"></span></section>",
        l("Opret", "Create")
    );
    shell(app, lang, l("Beregninger", "Calculations"), "list", &b)
}

fn url_escape(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// *Vidensdatabase*: the tables, where each was read from, groups, items, prices and studies.
pub async fn knowledge(
    State(app): State<Arc<App>>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let lang = lang_of(&q, &app);
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let kb = &app.kb;
    let mut b = format!("<h1>{}</h1>", l("Vidensdatabase", "Knowledge base"));
    let sec = |b: &mut String, title: &str, t: crate::present::table::Table, open: bool| {
        let _ = write!(
            b,
            "<details{}><summary>{}</summary>{}</details>",
            if open { " open" } else { "" },
            esc(title),
            t.to_html(lang)
        );
    };
    sec(
        &mut b,
        l(
            "Tabeller og hvor de er læst fra",
            "Tables and where they were read from",
        ),
        view::knowledge::sources(&kb.tables, lang),
        true,
    );
    sec(
        &mut b,
        l("Målgrupper", "Target groups"),
        view::knowledge::groups(kb, lang),
        true,
    );
    sec(
        &mut b,
        l("Konsekvenser (ydelser)", "Consequence items"),
        view::knowledge::items(kb, lang),
        false,
    );
    sec(
        &mut b,
        l("Priser", "Prices"),
        view::knowledge::prices(&kb.prices.iter().collect::<Vec<_>>(), lang),
        false,
    );
    sec(
        &mut b,
        l("Effektstudier", "Effect studies"),
        view::knowledge::studies(&kb.effect_studies.iter().collect::<Vec<_>>(), lang),
        false,
    );
    page_response(shell(
        &app,
        lang,
        l("Vidensdatabase", "Knowledge base"),
        "kb",
        &b,
    ))
}

/// The editor page of one file.
pub async fn edit(
    State(app): State<Arc<App>>,
    UrlPath(name): UrlPath<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let lang = lang_of(&q, &app);
    let read = match app.ws.read(&name) {
        Ok(r) => r,
        Err(e) => {
            let status = match e {
                super::workspace::WsError::NotFound(_) => StatusCode::NOT_FOUND,
                _ => StatusCode::BAD_REQUEST,
            };
            let body = format!("<p class=\"error\">{}</p>", esc(&e.to_string()));
            return (status, Html(shell(&app, lang, "SØM", "list", &body))).into_response();
        }
    };
    // a file that is not UTF-8 is not opened for editing: saving the page's text would replace
    // the characters it cannot show (the message says how to convert it)
    let text = match String::from_utf8(read.bytes.clone()) {
        Ok(t) => t,
        Err(_) => {
            let msg = parse(&app, &name, read.bytes.clone())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            let body = format!(
                "<p class=\"error\" data-testid=\"not-text\">{}</p>",
                esc(&msg)
            );
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(shell(&app, lang, &name, "list", &body)),
            )
                .into_response();
        }
    };
    let app2 = app.clone();
    let name2 = name.clone();
    let text2 = text.clone();
    let w = blocking(move || {
        workbench_answer(
            &app2,
            &WorkbenchRequest {
                toml: text2,
                edits: Vec::new(),
                name: name2,
                tab: "resultat".into(),
                iv: 0,
                lang: Some(lang.code().into()),
                editor: true,
                grid: None,
            },
        )
    })
    .await;
    let w = match w {
        Ok(w) => w,
        Err(r) => return r,
    };
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let b = format!(
        "<div id=\"wb\" data-name=\"{n}\" data-version=\"{v}\" data-lang=\"{code}\">\
         <textarea id=\"file-toml\" hidden>{t}</textarea>\
         <div class=\"bar\"><h1 id=\"title\">{title}</h1><span class=\"file\"><code>{n}</code></span>\
         <span class=\"spacer\"></span><span class=\"status\" id=\"status\" data-testid=\"status\"></span>\
         <button id=\"save\" data-testid=\"save\" class=\"primary\">{save}</button>\
         <button id=\"save-as\" data-testid=\"save-as\">{save_as}</button>\
         <button id=\"make-report\" data-testid=\"make-report\">{report}</button></div>\
         <div id=\"banner\" class=\"banner\" hidden></div>\
         <div id=\"report-links\" class=\"banner ok\" hidden></div>\
         <div class=\"cols\"><section id=\"editor\">{editor}</section>\
         <aside id=\"results\" data-tab=\"resultat\">{results}</aside></div></div>",
        n = esc(&name),
        v = esc(&read.version),
        code = lang.code(),
        t = esc(&text),
        title = esc(&w.title),
        save = l("Gem", "Save"),
        save_as = l("Gem som …", "Save as …"),
        report = l("Lav rapport", "Make report"),
        editor = w.editor.unwrap_or_default(),
        results = w.results,
    );
    page_response(shell(&app, lang, &w.title, "list", &b))
}

/// What the page sends when the user changes something.
#[derive(Debug, Deserialize)]
pub struct WorkbenchRequest {
    /// The scenario text the edits apply to (the page's current draft).
    pub toml: String,
    /// The edits, in order.
    #[serde(default)]
    pub edits: Vec<Edit>,
    /// The file name (for messages).
    pub name: String,
    /// The results tab in view.
    #[serde(default)]
    pub tab: String,
    /// The intervention being edited (0-based).
    #[serde(default)]
    pub iv: usize,
    /// `da` or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// Send the editor too (after a change of structure, or on load).
    #[serde(default)]
    pub editor: bool,
    /// The two inputs of the scenario heat map.
    #[serde(default)]
    pub grid: Option<(String, String)>,
}

/// What the page gets back.
#[derive(Debug, serde::Serialize)]
pub struct WorkbenchAnswer {
    /// The new draft.
    pub toml: String,
    /// The edit that could not be applied (its index and why); the draft is then unchanged.
    pub edit_error: Option<serde_json::Value>,
    /// Why the engine rejects the draft (the command line's message, field and line).
    pub problem: Option<serde_json::Value>,
    /// The editor, when asked for.
    pub editor: Option<String>,
    /// The results panel.
    pub results: String,
    /// Distribution previews by their key (`<iv>.<input>`), SVG.
    pub previews: Vec<(String, String)>,
    /// The file's title.
    pub title: String,
}

/// The recompute endpoint: applies the edits, validates, and renders the results (and the
/// editor when asked).
pub async fn workbench(State(app): State<Arc<App>>, body: axum::body::Bytes) -> Response {
    let req: WorkbenchRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(serde_json::json!({ "error": format!("expected the workbench's JSON: {e}") })),
            )
                .into_response();
        }
    };
    match blocking(move || workbench_answer(&app, &req)).await {
        Ok(a) => Json(a).into_response(),
        Err(r) => r,
    }
}

/// Applies the request's edits and renders the answer.
pub fn workbench_answer(app: &App, req: &WorkbenchRequest) -> WorkbenchAnswer {
    let lang = match req.lang.as_deref() {
        Some("en") => Lang::En,
        Some("da") => Lang::Da,
        _ => app.lang,
    };
    let edits: Vec<Edit> = req
        .edits
        .iter()
        .cloned()
        .map(|mut e| {
            e.english = lang == Lang::En;
            e
        })
        .collect();
    let (text, edit_error) = match edit::apply_all(&req.toml, &edits) {
        Ok(t) => (t, None),
        Err((i, m)) => (
            req.toml.clone(),
            Some(serde_json::json!({ "index": i, "message": m })),
        ),
    };
    let parsed = parse(app, &req.name, text.clone().into_bytes());
    // the raw TOML is read again only for what the checked scenario cannot give: the editor
    // (it shows what was written), or the title of a file the engine rejects
    let raw: Option<toml::Table> = (req.editor || parsed.is_err())
        .then(|| toml::from_str(&text).ok())
        .flatten();
    let iv = req.iv;
    let title = match (&parsed, &raw) {
        (Ok(sc), _) => sc.title.clone(),
        (_, Some(r)) => r
            .get("title")
            .and_then(|v| v.as_str())
            .unwrap_or(&req.name)
            .to_string(),
        _ => req.name.clone(),
    };
    let previews = match &parsed {
        Ok(sc) => previews(sc, iv, lang),
        Err(_) => Vec::new(),
    };
    let editor = req.editor.then(|| {
        let mut h = editor_html(app, raw.as_ref(), parsed.as_ref().ok(), iv, &text, lang);
        // the pictures are in the editor from the start (and replaced as parameters change)
        for (k, svg) in &previews {
            let at = format!("data-preview=\"{k}\"");
            if let Some(i) = h.find(&at)
                && let Some(j) = h[i..].find("></figure>")
            {
                h.insert_str(i + j + 1, svg);
            }
        }
        h
    });
    let results = results_html(app, &parsed, iv, &req.tab, req.grid.as_ref(), lang);
    WorkbenchAnswer {
        toml: text,
        edit_error,
        problem: parsed.as_ref().err().map(scenario_error_json),
        editor,
        results,
        previews,
        title,
    }
}

// ---------------------------------------------------------------------------------------------
// The editor

/// One input of the editor.
struct Input {
    label: String,
    path: serde_json::Value,
    kind: &'static str,
    value: String,
    /// The validator's field name this input answers for (an error is shown at the input whose
    /// field is the longest prefix of the error's field).
    field: String,
    testid: String,
    hint: String,
    structural: bool,
    unit: &'static str,
    extra: Vec<(&'static str, String)>,
}

impl Input {
    fn new(label: &str, path: serde_json::Value, kind: &'static str, value: String) -> Input {
        Input {
            label: label.into(),
            path,
            kind,
            value,
            field: String::new(),
            testid: String::new(),
            hint: String::new(),
            structural: false,
            unit: "",
            extra: Vec::new(),
        }
    }
    fn field(mut self, f: impl Into<String>) -> Input {
        self.field = f.into();
        self
    }
    fn id(mut self, t: impl Into<String>) -> Input {
        self.testid = t.into();
        self
    }
    fn hint(mut self, h: impl Into<String>) -> Input {
        self.hint = h.into();
        self
    }
    fn structural(mut self) -> Input {
        self.structural = true;
        self
    }
    fn unit(mut self, u: &'static str) -> Input {
        self.unit = u;
        self
    }
    /// Another attribute of the input (escaped), e.g. a price row's `data-keys`.
    fn attr(mut self, name: &'static str, value: impl Into<String>) -> Input {
        self.extra.push((name, value.into()));
        self
    }

    fn html(&self) -> String {
        let extra: String = self
            .extra
            .iter()
            .map(|(k, v)| format!(" {k}=\"{}\"", esc(v)))
            .collect();
        let attrs = format!(
            "data-kind=\"{k}\" data-path=\"{p}\" data-field=\"{f}\" data-testid=\"{t}\"{unit}{s}{extra}",
            k = self.kind,
            p = esc(&self.path.to_string()),
            f = esc(&self.field),
            t = esc(&self.testid),
            unit = if self.unit.is_empty() {
                String::new()
            } else {
                format!(" data-unit=\"{}\"", self.unit)
            },
            s = if self.structural {
                " data-structural"
            } else {
                ""
            },
        );
        let input = match self.kind {
            "bool" => format!(
                "<input type=\"checkbox\" {attrs}{}>",
                if self.value == "true" { " checked" } else { "" }
            ),
            "note" => format!(
                "<textarea rows=\"2\" {attrs} spellcheck=\"true\">{}</textarea>",
                esc(&self.value)
            ),
            _ => format!(
                "<input type=\"text\" {attrs} value=\"{}\" autocomplete=\"off\" spellcheck=\"false\">",
                esc(&self.value)
            ),
        };
        let kind_class = if self.kind == "note" { " note" } else { "" };
        format!(
            "<label class=\"f{kind_class}\"><span class=\"lbl\">{l}</span>{input}{h}<span class=\"err\" data-testid=\"error-{t}\" data-for=\"{f}\"></span></label>",
            l = esc(&self.label),
            h = if self.hint.is_empty() {
                String::new()
            } else {
                format!("<small>{}</small>", esc(&self.hint))
            },
            t = esc(&self.testid),
            f = esc(&self.field),
        )
    }
}

/// A `<select>` whose choice is set at `path` (each option's value is JSON).
fn select(
    label: &str,
    path: serde_json::Value,
    options: &[(serde_json::Value, String)],
    chosen: &serde_json::Value,
    field: &str,
    testid: &str,
) -> String {
    let mut h = format!(
        "<label class=\"f\"><span class=\"lbl\">{}</span><select data-path=\"{}\" data-kind=\"json\" data-structural data-field=\"{}\" data-testid=\"{}\">",
        esc(label),
        esc(&path.to_string()),
        esc(field),
        esc(testid)
    );
    for (v, text) in options {
        let _ = write!(
            h,
            "<option value=\"{}\"{}>{}</option>",
            esc(&v.to_string()),
            if v == chosen { " selected" } else { "" },
            esc(text)
        );
    }
    let _ = write!(
        h,
        "</select><span class=\"err\" data-testid=\"error-{}\" data-for=\"{}\"></span></label>",
        esc(testid),
        esc(field)
    );
    h
}

/// A number as the editor shows it: shortest form, Danish decimal comma.
fn num(x: f64, lang: Lang) -> String {
    let s = if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    };
    match lang {
        Lang::Da => s.replace('.', ","),
        Lang::En => s,
    }
}

fn toml_num(v: Option<&toml::Value>) -> Option<f64> {
    match v? {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn num_list(v: Option<&toml::Value>, lang: Lang) -> String {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| toml_num(Some(x)))
                .map(|x| num(x, lang))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

fn text_of(v: Option<&toml::Value>) -> String {
    v.and_then(|v| v.as_str()).unwrap_or_default().to_string()
}

/// A share as the percent the editor shows (0.14 → "14").
fn pct_text(x: Option<f64>, lang: Lang) -> String {
    x.map(|x| {
        let p = format!("{:.10}", x * 100.0)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string();
        match lang {
            Lang::Da => p.replace('.', ","),
            Lang::En => p,
        }
    })
    .unwrap_or_default()
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

/// The note and source inputs of a table at `path` — the logbook.
fn logbook(
    path: &serde_json::Value,
    t: Option<&toml::Value>,
    field: &str,
    id: &str,
    lang: Lang,
) -> String {
    let at = |k: &str| {
        let mut p = path.clone();
        if let Some(a) = p.as_array_mut() {
            a.push(serde_json::json!(k));
        }
        p
    };
    let get = |k: &str| text_of(t.and_then(|t| t.get(k)));
    format!(
        "<div class=\"row log\">{}{}</div>",
        Input::new(lang.t("Note", "Note"), at("note"), "note", get("note"))
            .field(format!("{field}.note"))
            .id(format!("{id}-note"))
            .html(),
        Input::new(
            lang.t("Kilde", "Source"),
            at("source"),
            "note",
            get("source")
        )
        .field(format!("{field}.source"))
        .id(format!("{id}-source"))
        .html()
    )
}

fn screen(h: &mut String, n: usize, key: &str, title: &str, open: bool) {
    let _ = write!(
        h,
        "<details class=\"screen\" data-screen=\"{key}\"{}><summary><b>{n}</b> {}</summary><div class=\"body\">",
        if open { " open" } else { "" },
        esc(title)
    );
}

fn end_screen(h: &mut String) {
    h.push_str("</div></details>");
}

/// The editor: one section per SØM screen, for intervention `iv`.
fn editor_html(
    app: &App,
    raw: Option<&toml::Table>,
    sc: Option<&Scenario>,
    iv: usize,
    text: &str,
    lang: Lang,
) -> String {
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let kb = &app.kb;
    let mut h = String::new();
    let Some(raw) = raw else {
        let _ = write!(
            h,
            "<div class=\"problem\" id=\"problem\" data-testid=\"problem\" hidden></div><p class=\"error\">{}</p>",
            l(
                "Filen er ikke gyldig TOML; ret den i kildeteksten nedenfor.",
                "The file is not valid TOML; correct it in the source text below."
            )
        );
        h += &source_section(text, lang, true);
        return h;
    };
    let empty = Vec::new();
    let ivs = raw
        .get("intervention")
        .and_then(|v| v.as_array())
        .unwrap_or(&empty);
    let iv = iv.min(ivs.len().saturating_sub(1));
    let x = ivs.get(iv).and_then(|v| v.as_table());
    let xget = |k: &str| x.and_then(|t| t.get(k));
    let id = text_of(xget("id"));
    let ivf = format!("intervention[{}] \"{id}\"", iv + 1);
    let p = |rest: &[serde_json::Value]| {
        let mut v = vec![serde_json::json!("intervention"), serde_json::json!(iv)];
        v.extend_from_slice(rest);
        serde_json::Value::Array(v)
    };
    let j = |s: &str| serde_json::json!(s);
    let settings = raw.get("settings").and_then(|v| v.as_table());
    let sget = |k: &str| settings.and_then(|s| s.get(k));
    let valid_iv = sc.and_then(|s| s.interventions.get(iv));

    // which intervention
    h += "<nav class=\"ivs\" data-testid=\"interventions\">";
    for (i, y) in ivs.iter().enumerate() {
        let yid = text_of(y.get("id"));
        let _ = write!(
            h,
            "<button data-iv=\"{i}\" class=\"{}\" data-testid=\"iv-{}\">{}</button>",
            if i == iv { "iv on" } else { "iv" },
            esc(&slug(&yid)),
            esc(&yid)
        );
    }
    if let Some(x) = x {
        let mut t = toml::Table::new();
        for k in [
            "target_group",
            "success_goal",
            "start_year",
            "years",
            "course_years",
            "participants",
            "success_rate",
            "result_period",
            "costs",
            "saved_costs",
            "exclude",
            "consequence",
            "uncertainty",
        ] {
            if let Some(v) = x.get(k) {
                t.insert(k.into(), v.clone());
            }
        }
        let ids: Vec<String> = ivs.iter().map(|y| text_of(y.get("id"))).collect();
        let mut n = 2;
        while ids.contains(&format!("{id}-{n}")) {
            n += 1;
        }
        t.insert("id".into(), toml::Value::String(format!("{id}-{n}")));
        t.insert(
            "name".into(),
            toml::Value::String(format!("{} ({n})", text_of(x.get("name")).trim())),
        );
        let _ = write!(
            h,
            "<button class=\"add\" data-op=\"append\" data-path=\"{}\" data-json=\"{}\" data-select-iv=\"{}\" data-testid=\"add-intervention\">+ {}</button>",
            esc(&serde_json::json!(["intervention"]).to_string()),
            esc(&serde_json::to_string(&t).unwrap_or_default()),
            ivs.len(),
            l("indsats til sammenligning", "intervention to compare")
        );
    }
    if ivs.len() > 1 {
        let _ = write!(
            h,
            "<button class=\"del\" data-op=\"remove\" data-path=\"{}\" data-select-iv=\"0\" data-confirm=\"{}\">{}</button>",
            esc(&serde_json::json!(["intervention", iv]).to_string()),
            esc(l(
                "Fjern denne indsats fra filen?",
                "Remove this intervention from the file?"
            )),
            l("Fjern indsats", "Remove intervention")
        );
    }
    h += "</nav><div class=\"problem\" id=\"problem\" data-testid=\"problem\" hidden></div>";

    // 1 Indstillinger
    let kbp = &kb.parameters;
    screen(&mut h, 1, "settings", l("Indstillinger", "Settings"), false);
    h += &Input::new(
        l("Titel", "Title"),
        serde_json::json!(["title"]),
        "text",
        text_of(raw.get("title")),
    )
    .field("title")
    .id("title")
    .html();
    h += "<div class=\"row\">";
    h += &Input::new(
        l("Prisår", "Price year"),
        serde_json::json!(["settings", "price_year"]),
        "int",
        toml_num(sget("price_year"))
            .map(|v| num(v, lang))
            .unwrap_or_default(),
    )
    .field("settings.price_year")
    .id("price-year")
    .hint(l(
        "tom: første indsats' startår",
        "empty: the first start year",
    ))
    .html();
    h += &Input::new(
        l("Diskonteringsrente (%)", "Discount rate (%)"),
        serde_json::json!(["settings", "discount_rate"]),
        "percent",
        pct_text(toml_num(sget("discount_rate")), lang),
    )
    .field("settings.discount_rate")
    .id("discount-rate")
    .unit("percent")
    .hint(
        // a named schedule is text, not a rate: say it is in force (typing a rate replaces it)
        match sget("discount_rate").and_then(|v| v.as_str()) {
            Some(name) => format!(
                "{} {name} — {}",
                l("i brug:", "in force:"),
                l(
                    "statens faldende rente; skriv en rate for at erstatte den",
                    "the state's declining rate; type a rate to replace it"
                )
            ),
            None => format!(
                "{} {}",
                l("tom:", "empty:"),
                pct(kbp.discount_rate, 1, lang)
            ),
        },
    )
    .html();
    h += "</div>";
    let actors: Vec<String> = sc
        .map(|s| s.settings.actors.clone())
        .unwrap_or_else(|| vec!["kommune".into(), "region".into(), "stat".into()]);
    let actors_text = sget("actors")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    h += &Input::new(
        l("Aktører og afdelinger", "Actors and departments"),
        serde_json::json!(["settings", "actors"]),
        "textlist",
        actors_text,
    )
    .field("settings.actors")
    .id("actors")
    .structural()
    .hint(l(
        "adskilt med ;, tom: kommune; region; stat",
        "separated by ;, empty: kommune; region; stat",
    ))
    .html();
    h += "<div class=\"row\">";
    let tax = sget("tax_on_transfers").and_then(|v| v.as_table());
    for a in &actors {
        h += &Input::new(
            &format!(
                "{} {} (%)",
                l("Skat af overførsler,", "Tax on transfers,"),
                words::actor(a, lang)
            ),
            serde_json::json!(["settings", "tax_on_transfers", a]),
            "percent",
            pct_text(toml_num(tax.and_then(|t| t.get(a))), lang),
        )
        .field(format!("settings.tax_on_transfers.{a}"))
        .id(format!("tax-{}", slug(a)))
        .unit("percent")
        .html();
    }
    h += "</div>";
    h += &logbook(
        &serde_json::json!(["settings"]),
        raw.get("settings"),
        "settings",
        "settings",
        lang,
    );
    end_screen(&mut h);

    if x.is_none() {
        h += &format!(
            "<p class=\"error\">{}</p>",
            l(
                "Filen har ingen [[intervention]].",
                "The file has no [[intervention]]."
            )
        );
        h += &source_section(text, lang, true);
        return h;
    }

    // 2 Indsats
    screen(
        &mut h,
        2,
        "intervention",
        l("Indsats og målgruppe", "Intervention and target group"),
        true,
    );
    h += "<div class=\"row\">";
    h += &Input::new(
        l("Navn", "Name"),
        p(&[j("name")]),
        "text",
        text_of(xget("name")),
    )
    .field(format!("{ivf}.name"))
    .id("name")
    .html();
    h += &Input::new("Id", p(&[j("id")]), "text", id.clone())
        .field(format!("{ivf}.id"))
        .id("iv-id")
        .structural()
        .html();
    h += "</div>";
    let group = text_of(xget("target_group"));
    let mut opts = vec![(
        serde_json::Value::Null,
        l("(egen målgruppe)", "(own target group)").to_string(),
    )];
    for g in &kb.target_groups {
        if !kb.goals_of(&g.id).is_empty() || g.id == group {
            opts.push((j(&g.id), format!("{} — {}", g.name, g.theme)));
        }
    }
    h += &select(
        l(
            "Målgruppe (vidensdatabasen)",
            "Target group (knowledge base)",
        ),
        p(&[j("target_group")]),
        &opts,
        &if group.is_empty() {
            serde_json::Value::Null
        } else {
            j(&group)
        },
        &format!("{ivf}.target_group"),
        "target-group",
    )
    // a new target group starts from its own first success goal and all its items
    .replacen(
        "<select ",
        &format!(
            "<select data-clear=\"{}\" ",
            esc(&serde_json::json!([p(&[j("success_goal")]), p(&[j("exclude")])]).to_string())
        ),
        1,
    );
    if let Some(g) = kb.group(&group) {
        let goal = text_of(xget("success_goal"));
        let goals = kb.goals_of(&group);
        let chosen = if goal.is_empty() {
            goals.first().map_or(serde_json::Value::Null, |s| j(&s.id))
        } else {
            j(&goal)
        };
        let gopts: Vec<_> = goals.iter().map(|s| (j(&s.id), s.name.clone())).collect();
        h += &select(
            l("Succesmål", "Success goal"),
            p(&[j("success_goal")]),
            &gopts,
            &chosen,
            &format!("{ivf}.success_goal"),
            "success-goal",
        );
        let _ = write!(
            h,
            "<div class=\"kbnote\"><p><b>{}</b> {}</p>",
            l("Registerdefinition:", "Register definition:"),
            esc(&g.definition)
        );
        if let Some(s) = goals
            .iter()
            .find(|s| Some(s.id.as_str()) == chosen.as_str())
        {
            let _ = write!(
                h,
                "<p><b>{}</b> {} <span class=\"src\">({})</span></p>",
                l("Succesmålet:", "The success goal:"),
                esc(&s.definition),
                esc(&s.source)
            );
        }
        let _ = write!(
            h,
            "<p class=\"src\">{} {}</p></div>",
            l("Kilde:", "Source:"),
            esc(&g.source)
        );
    }
    h += "<div class=\"row\">";
    h += &Input::new(
        l("Startår", "Start year"),
        p(&[j("start_year")]),
        "int",
        toml_num(xget("start_year"))
            .map(|v| num(v, lang))
            .unwrap_or_default(),
    )
    .field(format!("{ivf}.start_year"))
    .id("start-year")
    .html();
    h += &Input::new(
        l("Driftsår", "Years of operation"),
        p(&[j("years")]),
        "int",
        toml_num(xget("years"))
            .map(|v| num(v, lang))
            .unwrap_or_default(),
    )
    .field(format!("{ivf}.years"))
    .id("years")
    .html();
    h += &Input::new(
        l("Forløbets længde (år)", "Course length (years)"),
        p(&[j("course_years")]),
        "number",
        toml_num(xget("course_years"))
            .map(|v| num(v, lang))
            .unwrap_or_default(),
    )
    .field(format!("{ivf}.course_years"))
    .id("course-years")
    .hint(l("tom: 1", "empty: 1"))
    .html();
    h += "</div><div class=\"row\">";
    h += &Input::new(
        l("Deltagere pr. år", "Participants per year"),
        p(&[j("participants")]),
        "intlist",
        num_list(xget("participants"), lang),
    )
    .field(format!("{ivf}.participants"))
    .id("participants")
    .hint(l(
        "ét tal pr. driftsår, adskilt med ;",
        "one number per year of operation, separated by ;",
    ))
    .html();
    let rp = xget("result_period").and_then(|v| v.as_array());
    let rp_text = rp
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_integer())
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    h += &Input::new(
        l("Resultatperiode (fra; til)", "Result period (from; to)"),
        p(&[j("result_period")]),
        "intlist",
        rp_text,
    )
    .field(format!("{ivf}.result_period"))
    .id("result-period")
    .hint(l(
        "tom: startår til startår + 5",
        "empty: start year to start year + 5",
    ))
    .html();
    h += "</div>";
    h += &logbook(&p(&[]), ivs.get(iv), &ivf, "intervention", lang);
    end_screen(&mut h);

    // 3 Omkostninger
    screen(&mut h, 3, "costs", l("Omkostninger", "Costs"), true);
    let _ = write!(
        h,
        "<p class=\"hint\">{}</p>",
        l(
            "Kroner pr. aktør og år, i prisåret. Sparede omkostninger: udgifter til indsatser, som den nye erstatter. Den sidste kolonne tilføjer et år.",
            "Kroner per actor and year, in the price year. Saved costs: spending on efforts the new one replaces. The last column adds a year."
        )
    );
    // one column per year from the start year: the years of operation, or as many as a list has,
    // and one more to add a year
    let costs = xget("costs").and_then(|v| v.as_table());
    let saved = xget("saved_costs").and_then(|v| v.as_table());
    let start = toml_num(xget("start_year")).unwrap_or(0.0) as i64;
    let longest = |t: Option<&toml::Table>| {
        t.map_or(0, |t| {
            t.values()
                .filter_map(|v| v.as_array().map(Vec::len))
                .max()
                .unwrap_or(0)
        })
    };
    let n_years = toml_num(xget("years")).unwrap_or(1.0).max(1.0) as usize;
    let cols = n_years.max(longest(costs)).max(longest(saved)).min(60) + 1;
    h += "<div class=\"scroll\"><table class=\"grid\" data-testid=\"costs\"><thead><tr><th></th>";
    for k in 0..cols {
        let _ = write!(h, "<th>{}</th>", start + k as i64);
    }
    h += "</tr></thead><tbody>";
    for (what, table, label, tid) in [
        ("costs", costs, l("Omkostninger", "Costs"), "costs"),
        (
            "saved_costs",
            saved,
            l("Sparede omkostninger", "Saved costs"),
            "saved",
        ),
    ] {
        let _ = write!(
            h,
            "<tr class=\"sub\"><th colspan=\"{}\">{} (kr.)</th></tr>",
            cols + 1,
            esc(label)
        );
        for a in &actors {
            let list = table.and_then(|c| c.get(a)).and_then(|v| v.as_array());
            let _ = write!(h, "<tr><th>{}</th>", esc(&words::actor(a, lang)));
            for k in 0..cols {
                let v = list
                    .and_then(|l| l.get(k))
                    .and_then(|x| toml_num(Some(x)))
                    // kroner with thousands separators, as they read in a budget
                    .map(|x| {
                        if x.fract() == 0.0 {
                            crate::present::format::int(x, lang)
                        } else {
                            num(x, lang)
                        }
                    })
                    .unwrap_or_default();
                h += "<td>";
                h += &Input::new("", p(&[j(what), j(a), serde_json::json!(k)]), "amount", v)
                    .field(format!("{ivf}.{what}.{a}"))
                    .id(format!("{tid}-{}-{k}", slug(a)))
                    .html();
                h += "</td>";
            }
            h += "</tr>";
        }
    }
    h += "</tbody></table></div>";
    h += &Input::new(
        l("Kilde til omkostningerne", "Source of the costs"),
        p(&[j("costs"), j("source")]),
        "note",
        text_of(costs.and_then(|c| c.get("source"))),
    )
    .field(format!("{ivf}.costs.source"))
    .id("costs-source")
    .html();
    end_screen(&mut h);

    // 4 Effekt
    screen(
        &mut h,
        4,
        "effect",
        l("Effekt (succesrate)", "Effect (success rate)"),
        true,
    );
    let sr = xget("success_rate");
    let srt = sr.and_then(|v| v.as_table());
    let form = match srt {
        Some(t) if t.contains_key("gross") => "gross",
        Some(t) if t.contains_key("effect_size") => "effect",
        _ => "rate",
    };
    let resolved = valid_iv.map(|v| v.success_rate).unwrap_or(0.1);
    let round4 = |x: f64| (x * 1e4).round() / 1e4;
    let forms = [
        (
            "rate",
            l("Succesrate direkte", "Success rate directly"),
            serde_json::json!(round4(resolved)),
        ),
        (
            "gross",
            l("Brutto − kontrafaktisk", "Gross − counterfactual"),
            serde_json::json!({"gross": round4(resolved), "counterfactual": 0.0}),
        ),
        (
            "effect",
            l("Cohen's d og en basisrate", "Cohen's d and a baseline"),
            serde_json::json!({"effect_size": 0.2, "baseline": 0.2}),
        ),
    ];
    h += "<div class=\"forms\" role=\"radiogroup\">";
    for (k, label, v) in &forms {
        let _ = write!(
            h,
            "<label class=\"radio\"><input type=\"radio\" name=\"sr-form\" data-path=\"{}\" data-kind=\"json\" data-structural value=\"{}\" data-testid=\"form-{k}\"{}> {}</label>",
            esc(&p(&[j("success_rate")]).to_string()),
            esc(&v.to_string()),
            if *k == form { " checked" } else { "" },
            esc(label)
        );
    }
    h += "</div><div class=\"row\">";
    let srf = format!("{ivf}.success_rate");
    match form {
        "gross" => {
            let get = |k: &str| pct_text(toml_num(srt.and_then(|t| t.get(k))), lang);
            h += &Input::new(
                l("Brutto-succesrate (%)", "Gross success rate (%)"),
                p(&[j("success_rate"), j("gross")]),
                "percent",
                get("gross"),
            )
            .field(srf.clone())
            .id("gross")
            .unit("percent")
            .html();
            h += &Input::new(
                l(
                    "Kontrafaktisk (ville være lykkedes alligevel, %)",
                    "Counterfactual (would have succeeded anyway, %)",
                ),
                p(&[j("success_rate"), j("counterfactual")]),
                "percent",
                get("counterfactual"),
            )
            .field(format!("{srf}.counterfactual"))
            .id("counterfactual")
            .unit("percent")
            .html();
        }
        "effect" => {
            h += &Input::new(
                "Cohen's d",
                p(&[j("success_rate"), j("effect_size")]),
                "number",
                toml_num(srt.and_then(|t| t.get("effect_size")))
                    .map(|v| num(v, lang))
                    .unwrap_or_default(),
            )
            .field(format!("{srf}.effect_size"))
            .id("effect-size")
            .html();
            h += &Input::new(
                l("Basisrate (%)", "Baseline rate (%)"),
                p(&[j("success_rate"), j("baseline")]),
                "percent",
                pct_text(toml_num(srt.and_then(|t| t.get("baseline"))), lang),
            )
            .field(format!("{srf}.baseline"))
            .id("baseline")
            .unit("percent")
            .html();
        }
        _ => {
            let v = toml_num(sr).or_else(|| toml_num(srt.and_then(|t| t.get("value"))));
            h += &Input::new(
                l("Succesrate (%)", "Success rate (%)"),
                p(&[j("success_rate")]),
                "percent",
                pct_text(v, lang),
            )
            .field(srf.clone())
            .id("success-rate")
            .unit("percent")
            .hint(l(
                "andelen af deltagerne, der når succesmålet på grund af indsatsen",
                "the share of participants who reach the success goal because of the intervention",
            ))
            .html();
        }
    }
    h += "</div>";
    if form != "rate" {
        let _ = write!(
            h,
            "<p class=\"derived\" data-testid=\"success-rate\" data-unit=\"share\" data-value=\"{resolved}\">{} {}</p>",
            l("Succesrate:", "Success rate:"),
            pct(resolved, 1, lang)
        );
    }
    if srt.is_some() || form == "rate" {
        let t = srt.map(|t| toml::Value::Table(t.clone()));
        if form == "rate" && srt.is_none() {
            let _ = write!(
                h,
                "<p class=\"hint\">{}</p>",
                l(
                    "Note og kilde til succesraten: skriv dem, og tallet gemmes som { value = …, source = … }.",
                    "A note and source for the success rate: type them, and the number is saved as { value = …, source = … }."
                )
            );
        }
        h += &logbook(
            &p(&[j("success_rate")]),
            t.as_ref(),
            &srf,
            "success-rate",
            lang,
        );
    }
    let studies: Vec<_> = kb
        .effect_studies
        .iter()
        .filter(|s| s.target_group == group)
        .collect();
    if !studies.is_empty() {
        let _ = write!(
            h,
            "<div class=\"kbnote\"><p><b>{}</b></p>{}</div>",
            l(
                "Effektstudier for målgruppen i vidensdatabasen",
                "The knowledge base's effect studies for the group"
            ),
            view::knowledge::studies(&studies, lang).to_html(lang)
        );
    }
    end_screen(&mut h);

    // 5 Konsekvenser
    screen(
        &mut h,
        5,
        "consequences",
        l("Konsekvenser", "Consequences"),
        false,
    );
    let raw_items: Vec<&toml::Value> = xget("consequence")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let excluded: Vec<String> = xget("exclude")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let _ = write!(
        h,
        "<p class=\"hint\">{}</p>",
        l(
            "Ændringer pr. succesfuld deltager i år 1, 2, … efter forløbet (negativ = mindre forbrug), adskilt med ;. Fjern fluebenet for at udelade en ydelse. En ændret pris gælder hele rækken af aktører.",
            "Changes per successful participant in year 1, 2, … after the course (negative = less use), separated by ;. Untick to leave an item out. A changed price applies to the item's whole row of actors."
        )
    );
    let _ = write!(
        h,
        "<div class=\"scroll\"><table class=\"items\" data-testid=\"items\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>",
        l("Med", "In"),
        l("Ydelse", "Item"),
        l("Område", "Area"),
        l("Værdier pr. år", "Values per year"),
        esc(&format!(
            "{} ({}, kr.)",
            l("Priser pr. enhed", "Prices per unit"),
            actors
                .iter()
                .map(|a| words::actor(a, lang))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        l("Kilde (logbog)", "Source (logbook)")
    );
    let mut shown: Vec<String> = Vec::new();
    if let Some(v) = valid_iv {
        for it in &v.items {
            shown.push(it.id.clone());
            let own_at = raw_items
                .iter()
                .position(|r| text_of(r.get("item")) == it.id);
            let is_kb =
                kb.item(&it.id).is_some() && !matches!(it.origin, crate::scenario::ItemOrigin::Own);
            let _ = write!(h, "<tr data-item=\"{}\"><td>", esc(&it.id));
            if is_kb && !group.is_empty() {
                let _ = write!(
                    h,
                    "<input type=\"checkbox\" checked data-op=\"toggle\" data-path=\"{}\" data-json=\"{}\" data-testid=\"include-{}\">",
                    esc(&p(&[j("exclude")]).to_string()),
                    esc(&j(&it.id).to_string()),
                    esc(&it.id)
                );
            }
            let _ = write!(
                h,
                "</td><td>{} <small>({}, {})</small></td><td>{}</td><td>",
                esc(&it.name),
                esc(&it.unit),
                esc(words::origin(it.origin, lang)),
                esc(&it.area)
            );
            let vals = it
                .values
                .iter()
                .map(|x| num(*x, lang))
                .collect::<Vec<_>>()
                .join("; ");
            h += &Input::new(
                "",
                p(&[
                    j("consequence"),
                    serde_json::json!({"item": it.id}),
                    j("values"),
                ]),
                "list",
                vals,
            )
            .field(format!(
                "{ivf}.consequence[{}] \"{}\".values",
                own_at.map_or(0, |i| i + 1),
                it.id
            ))
            .id(format!("values-{}", it.id))
            .html();
            h += "</td><td>";
            let prices = it
                .prices
                .iter()
                .map(|x| num((x * 100.0).round() / 100.0, lang))
                .collect::<Vec<_>>()
                .join("; ");
            // the whole row is written when one price changes: an item's `prices` replaces the
            // knowledge base's row, and an actor left out would get 0
            let keys = serde_json::json!(actors).to_string();
            h += &Input::new(
                "",
                p(&[
                    j("consequence"),
                    serde_json::json!({"item": it.id}),
                    j("prices"),
                ]),
                "row",
                prices,
            )
            .field(format!(
                "{ivf}.consequence[{}] \"{}\".prices",
                own_at.map_or(0, |i| i + 1),
                it.id
            ))
            .id(format!("prices-{}", it.id))
            .attr("data-keys", keys)
            .html();
            // the item's source: the user's own, or (as the hint) where the knowledge base's
            // numbers come from
            h += "</td><td>";
            let own_source = own_at
                .and_then(|i| raw_items.get(i))
                .map(|r| text_of(r.get("source")))
                .unwrap_or_default();
            h += &Input::new(
                "",
                p(&[
                    j("consequence"),
                    serde_json::json!({"item": it.id}),
                    j("source"),
                ]),
                "text",
                own_source,
            )
            .field(format!(
                "{ivf}.consequence[{}] \"{}\".source",
                own_at.map_or(0, |i| i + 1),
                it.id
            ))
            .id(format!("source-{}", it.id))
            .attr("placeholder", it.sources.join("; "))
            .html();
            h += "</td><td>";
            if let Some(at) = own_at {
                let _ = write!(
                    h,
                    "<button class=\"del small\" data-op=\"remove\" data-path=\"{}\" title=\"{}\" data-testid=\"remove-{}\">×</button>",
                    esc(&p(&[j("consequence"), serde_json::json!(at)]).to_string()),
                    esc(if is_kb {
                        l(
                            "Fjern egne værdier (tilbage til vidensdatabasens)",
                            "Remove own values (back to the knowledge base's)",
                        )
                    } else {
                        l("Fjern ydelsen", "Remove the item")
                    }),
                    esc(&it.id)
                );
            }
            h += "</td></tr>";
        }
    }
    for ex in &excluded {
        if let Some(it) = kb.item(ex) {
            let _ = write!(
                h,
                "<tr class=\"off\"><td><input type=\"checkbox\" data-op=\"toggle\" data-path=\"{}\" data-json=\"{}\" data-testid=\"include-{}\"></td><td>{}</td><td>{}</td><td colspan=\"4\">{}</td></tr>",
                esc(&p(&[j("exclude")]).to_string()),
                esc(&j(ex).to_string()),
                esc(ex),
                esc(&it.name),
                esc(&it.area),
                l("udeladt", "left out")
            );
        }
    }
    h += "</tbody></table></div>";
    // own item
    let ap = p(&[j("consequence")]);
    let _ = write!(
        h,
        "<details class=\"own\" data-testid=\"own-item\"><summary>+ {}</summary><div class=\"append\" data-append=\"{}\">",
        l("egen ydelse (brugerdefineret)", "own item (user-defined)"),
        esc(&ap.to_string())
    );
    let fld = |label: &str, key: &str, kind: &str, tid: &str, ph: &str| {
        // the area starts as "brugerdefineret" (where own items usually go); the others show an
        // example
        let (value, ph) = if key == "area" { (ph, "") } else { ("", ph) };
        format!(
            "<label class=\"f\"><span class=\"lbl\">{}</span><input type=\"text\" data-key=\"{}\" data-kind=\"{kind}\" data-testid=\"own-{tid}\" value=\"{}\" placeholder=\"{}\"></label>",
            esc(label),
            esc(key),
            esc(value),
            esc(ph)
        )
    };
    h += "<div class=\"row\">";
    h += &fld("Id", "item", "text", "id", "boligstoette");
    h += &fld(
        l("Navn", "Name"),
        "name",
        "text",
        "name",
        l("Boligstøtte", "Housing benefit"),
    );
    h += &fld(
        l("Område", "Area"),
        "area",
        "text",
        "area",
        "brugerdefineret",
    );
    h += &fld(
        l("Enhed", "Unit"),
        "unit",
        "text",
        "unit",
        l("måneder", "months"),
    );
    let _ = write!(
        h,
        "<label class=\"f\"><span class=\"lbl\">{}</span><select data-key=\"kind\" data-kind=\"text\" data-testid=\"own-kind\"><option value=\"expenditure\">{}</option><option value=\"revenue\">{}</option><option value=\"transfer\">{}</option></select></label>",
        l("Art", "Kind"),
        l("udgift (expenditure)", "expenditure"),
        l("indtægt (revenue)", "revenue"),
        l("overførsel, skattepligtig (transfer)", "transfer, taxable")
    );
    h += "</div><div class=\"row\">";
    h += &fld(
        l(
            "Værdier pr. år efter forløbet",
            "Values per year after the course",
        ),
        "values",
        "list",
        "values",
        "-6; -6; -6",
    );
    for a in ["kommune", "region", "stat"] {
        h += &fld(
            &format!("{} {}", l("Pris,", "Price,"), words::actor(a, lang)),
            &format!("prices.{a}"),
            "number",
            &format!("price-{a}"),
            "0",
        );
    }
    let _ = write!(
        h,
        "</div><button data-action=\"append\" data-testid=\"own-add\">{}</button></div></details>",
        l("Tilføj ydelsen", "Add the item")
    );
    end_screen(&mut h);

    // 6 Usikkerhed
    screen(
        &mut h,
        6,
        "uncertainty",
        l("Usikkerhed", "Uncertainty"),
        false,
    );
    let _ = write!(
        h,
        "<p class=\"hint\">{}</p>",
        l(
            "En fordeling for succesraten og faktorer på konsekvenser, priser og omkostninger (1 = som angivet). Monte Carlo trækker dem; resultatet viser intervallet.",
            "A distribution for the success rate and factors on consequences, prices and costs (1 = as given). Monte Carlo draws them; the results show the interval."
        )
    );
    let unc = xget("uncertainty").and_then(|v| v.as_table());
    for (key, label, share) in [
        ("success_rate", l("Succesrate", "Success rate"), true),
        (
            "consequences",
            l("Konsekvenser (faktor)", "Consequences (factor)"),
            false,
        ),
        ("prices", l("Priser (faktor)", "Prices (factor)"), false),
        ("costs", l("Omkostninger (faktor)", "Costs (factor)"), false),
    ] {
        let d = unc.and_then(|u| u.get(key)).and_then(|v| v.as_table());
        let dist = d.map(|t| text_of(t.get("dist"))).unwrap_or_default();
        let base = if share { resolved } else { 1.0 };
        let r = |x: f64| (x * 1e4).round() / 1e4;
        let hi = |x: f64| if share { x.min(1.0) } else { x };
        let mut defaults = vec![
            (
                "",
                l("ingen (fast)", "none (fixed)").to_string(),
                serde_json::Value::Null,
            ),
            (
                "uniform",
                l("ligefordeling", "uniform").into(),
                serde_json::json!({"dist": "uniform", "min": r(base * 0.7), "max": r(hi(base * 1.3))}),
            ),
            (
                "triangular",
                l("trekantfordeling", "triangular").into(),
                serde_json::json!({"dist": "triangular", "min": r(base * 0.7), "mode": r(base), "max": r(hi(base * 1.3))}),
            ),
            (
                "pert",
                "PERT".into(),
                serde_json::json!({"dist": "pert", "min": r(base * 0.7), "mode": r(base), "max": r(hi(base * 1.3))}),
            ),
            (
                "normal",
                l("normalfordeling", "normal").into(),
                serde_json::json!({"dist": "normal", "mean": r(base), "sd": r(base * 0.15), "min": 0.0}),
            ),
            (
                "lognormal",
                "lognormal".into(),
                serde_json::json!({"dist": "lognormal", "mean": r(base), "sd": r(base * 0.15)}),
            ),
            (
                "beta",
                "beta".into(),
                serde_json::json!({"dist": "beta", "mean": r(base), "sd": r(base * 0.15)}),
            ),
        ];
        if share {
            // the success rate from the evidence: a pilot's result, an effect size
            defaults.push((
                "pilot",
                l("pilotens resultat", "a pilot's result").into(),
                serde_json::json!({"dist": "pilot", "successes": (base * 20.0).round(), "participants": 20}),
            ));
            defaults.push((
                "effect_size",
                l("effektstørrelse", "effect size").into(),
                serde_json::json!({"dist": "effect_size", "mean": 0.3, "se": 0.12, "baseline": 0.2}),
            ));
        }
        let chosen = defaults.iter().find(|(k, ..)| *k == dist).map_or(
            serde_json::Value::Null,
            |(_, _, v)| {
                if dist.is_empty() {
                    serde_json::Value::Null
                } else {
                    v.clone()
                }
            },
        );
        let uf = format!("{ivf}.uncertainty.{key}");
        let _ = write!(
            h,
            "<div class=\"dist\" data-testid=\"dist-{}\"><div class=\"row\">",
            slug(key)
        );
        // the select's options carry the defaults; the current choice is marked by its name
        let _ = write!(
            h,
            "<label class=\"f\"><span class=\"lbl\">{}</span><select data-path=\"{}\" data-kind=\"json\" data-structural data-field=\"{}\" data-testid=\"dist-{}-kind\">",
            esc(label),
            esc(&p(&[j("uncertainty"), j(key)]).to_string()),
            esc(&uf),
            slug(key)
        );
        for (k, text, v) in &defaults {
            let _ = write!(
                h,
                "<option value=\"{}\"{}>{}</option>",
                esc(&v.to_string()),
                if *k == dist { " selected" } else { "" },
                esc(text)
            );
        }
        let _ = write!(
            h,
            "</select><span class=\"err\" data-testid=\"error-dist-{}\" data-for=\"{}\"></span></label>",
            slug(key),
            esc(&uf)
        );
        let _ = chosen;
        if let Some(t) = d {
            for (pk, plabel) in [
                ("value", l("værdi", "value")),
                ("min", "min"),
                ("mode", l("typisk", "mode")),
                ("max", "max"),
                ("mean", l("middel", "mean")),
                ("sd", l("spredning", "sd")),
                ("alpha", "α"),
                ("beta", "β"),
                ("successes", l("lykkedes", "succeeded")),
                ("participants", l("deltagere", "participants")),
                (
                    "counterfactual",
                    l(
                        "ville være lykkedes alligevel",
                        "would have succeeded anyway",
                    ),
                ),
                ("se", l("standardfejl", "standard error")),
                ("baseline", l("basisrate", "baseline rate")),
            ] {
                if let Some(v) = toml_num(t.get(pk)) {
                    // counts, shapes and an effect size's d are plain numbers
                    let plain =
                        matches!(pk, "alpha" | "beta" | "successes" | "participants" | "se")
                            || (dist == "effect_size" && pk == "mean");
                    let pct_param = share && !plain;
                    h += &Input::new(
                        &format!("{plabel}{}", if pct_param { " (%)" } else { "" }),
                        p(&[j("uncertainty"), j(key), j(pk)]),
                        if pct_param { "percent" } else { "number" },
                        if pct_param {
                            pct_text(Some(v), lang)
                        } else {
                            num(v, lang)
                        },
                    )
                    .field(format!("{uf}.{pk}"))
                    .id(format!("dist-{}-{pk}", slug(key)))
                    .unit(if pct_param { "percent" } else { "" })
                    .html();
                }
            }
            if key == "consequences" || key == "prices" {
                let per = text_of(t.get("per"));
                let per = if per.is_empty() {
                    "item".to_string()
                } else {
                    per
                };
                let opts: Vec<_> = [
                    ("item", l("pr. ydelse", "per item")),
                    ("area", l("pr. område", "per area")),
                    ("all", l("én for alle", "one for all")),
                ]
                .iter()
                .map(|(k, t)| (j(k), t.to_string()))
                .collect();
                h += &select(
                    l("Træk", "Draw"),
                    p(&[j("uncertainty"), j(key), j("per")]),
                    &opts,
                    &j(&per),
                    &format!("{uf}.per"),
                    &format!("dist-{}-per", slug(key)),
                );
            }
            let _ = write!(
                h,
                "<figure class=\"preview\" data-preview=\"{iv}.{key}\" title=\"{}\"></figure>",
                l("fordelingens form", "the distribution's shape")
            );
        }
        h += "</div>";
        if let Some(t) = d {
            h += &Input::new(
                l("Note", "Note"),
                p(&[j("uncertainty"), j(key), j("note")]),
                "note",
                text_of(t.get("note")),
            )
            .field(format!("{uf}.note"))
            .id(format!("dist-{}-note", slug(key)))
            .html();
        }
        h += "</div>";
    }
    end_screen(&mut h);

    // 7 Monte Carlo
    screen(&mut h, 7, "monte-carlo", "Monte Carlo", false);
    let mc = raw.get("monte_carlo").and_then(|v| v.as_table());
    let mget = |k: &str| toml_num(mc.and_then(|m| m.get(k)));
    h += "<div class=\"row\">";
    h += &Input::new(
        l("Træk", "Draws"),
        serde_json::json!(["monte_carlo", "draws"]),
        "int",
        mget("draws").map(|v| num(v, lang)).unwrap_or_default(),
    )
    .field("monte_carlo.draws")
    .id("mc-draws")
    .hint(format!(
        "{} {}",
        l(
            "rapporten bruger dem alle; live højst",
            "the report uses them all; live at most"
        ),
        crate::present::format::int(LIVE_DRAWS as f64, lang)
    ))
    .html();
    h += &Input::new(
        "Seed",
        serde_json::json!(["monte_carlo", "seed"]),
        "int",
        mget("seed").map(|v| num(v, lang)).unwrap_or_default(),
    )
    .field("monte_carlo.seed")
    .id("mc-seed")
    .html();
    h += &Input::new(
        l("Interval (%)", "Interval (%)"),
        serde_json::json!(["monte_carlo", "interval"]),
        "percent",
        pct_text(mget("interval"), lang),
    )
    .field("monte_carlo.interval")
    .id("mc-interval-share")
    .unit("percent")
    .html();
    h += "</div>";
    end_screen(&mut h);

    h += &source_section(text, lang, false);
    h
}

fn source_section(text: &str, lang: Lang, open: bool) -> String {
    format!(
        "<details class=\"screen\" data-screen=\"source\"{}><summary><b>{{}}</b> {}</summary><div class=\"body\"><p class=\"hint\">{}</p>\
         <textarea class=\"source\" data-whole data-structural data-testid=\"source\" spellcheck=\"false\" rows=\"18\">{}</textarea></div></details>",
        if open { " open" } else { "" },
        lang.t("Kildetekst (TOML)", "Source text (TOML)"),
        lang.t(
            "Hele filen, som den gemmes. Det, du skriver her, erstatter filen, når du forlader feltet.",
            "The whole file as it is saved. What you type here replaces the file when you leave the field."
        ),
        esc(text)
    )
    .replace("<b>{}</b> ", "")
}

/// A small picture of each uncertain input's density (from its quantile function), keyed as the
/// editor's `data-preview`.
fn previews(sc: &Scenario, iv: usize, lang: Lang) -> Vec<(String, String)> {
    let Some(v) = sc.interventions.get(iv) else {
        return Vec::new();
    };
    let u = &v.uncertainty;
    let mut out = Vec::new();
    for (key, d) in [
        ("success_rate", u.success_rate.as_ref()),
        ("consequences", u.consequences.as_ref().map(|s| &s.dist)),
        ("prices", u.prices.as_ref().map(|s| &s.dist)),
        ("costs", u.costs.as_ref()),
    ] {
        if let Some(d) = d {
            // the success rate's ends in percent, the factors' as numbers
            let end = |x: f64| {
                if key == "success_rate" {
                    pct(x, 1, lang)
                } else {
                    crate::present::format::dec(x, 2, lang)
                }
            };
            out.push((format!("{iv}.{key}"), density_svg(d, &end)));
        }
    }
    out
}

/// The density of `d` drawn from its quantiles at u = 0.5 %, 1.5 %, …, 99.5 % (a histogram of
/// 100 equal-probability slices).
fn density_svg(d: &crate::dist::Dist, end: &dyn Fn(f64) -> String) -> String {
    let s = crate::dist::Sampler::new(d);
    let q: Vec<f64> = (0..=100)
        .map(|i| s.quantile((0.005 + 0.0099 * i as f64).min(0.995)))
        .collect();
    let (lo, hi) = (q[0], q[100]);
    let (w, h) = (180.0, 48.0);
    // a fixed value (or no spread): a line
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return format!(
            "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\"><line x1=\"90\" y1=\"4\" x2=\"90\" y2=\"44\" stroke=\"#1f5aa0\" stroke-width=\"3\"/></svg>"
        );
    }
    // the density of each 1 % slice is its probability over its width, drawn at its middle
    let pts: Vec<(f64, f64)> = q
        .windows(2)
        .map(|p| ((p[0] + p[1]) / 2.0, 0.0099 / (p[1] - p[0]).max(1e-300)))
        .collect();
    let top = pts.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-300);
    let x = |v: f64| (v - lo) / (hi - lo) * w;
    let y = |d: f64| h - 10.0 - (h - 14.0) * (d / top).min(1.0);
    let mut path = format!("M{:.1} {:.1}", x(lo), h - 10.0);
    for (px, d) in &pts {
        let _ = write!(path, " L{:.1} {:.1}", x(*px), y(*d));
    }
    let _ = write!(path, " L{:.1} {:.1} Z", x(hi), h - 10.0);
    format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\"><path d=\"{path}\" fill=\"#cfe0f3\" stroke=\"#1f5aa0\"/>\
         <text x=\"2\" y=\"{h}\" font-size=\"9\" dy=\"-1\">{}</text><text x=\"{w}\" y=\"{h}\" font-size=\"9\" dy=\"-1\" text-anchor=\"end\">{}</text></svg>",
        esc(&end(lo)),
        esc(&end(hi))
    )
}

// ---------------------------------------------------------------------------------------------
// The results panel

/// The tabs of the results panel: key and label.
fn tabs(lang: Lang) -> [(&'static str, &'static str); 6] {
    [
        ("resultat", lang.t("Resultat", "Result")),
        ("krav", lang.t("Kravanalyse", "Requirement")),
        ("tornado", "Tornado"),
        ("mc", "Monte Carlo"),
        ("scenarier", lang.t("Scenarier", "Scenarios")),
        ("sammenlign", lang.t("Sammenlign", "Compare")),
    ]
}

fn figure(chart: Result<String, crate::error::ReportError>) -> String {
    match chart {
        Ok(svg) => format!("<figure class=\"chart\">{svg}</figure>"),
        Err(e) => format!("<p class=\"error\">{}</p>", esc(&e.to_string())),
    }
}

fn has_uncertainty(sc: &Scenario) -> bool {
    sc.interventions.iter().any(|v| {
        let u = &v.uncertainty;
        u.success_rate.is_some()
            || u.consequences.is_some()
            || u.prices.is_some()
            || u.costs.is_some()
    })
}

/// The live Monte Carlo options: the file's, with at most [`LIVE_DRAWS`] draws.
fn live_options(sc: &Scenario) -> crate::analysis::mc::Options {
    crate::analysis::mc::Options {
        draws: sc.monte_carlo.draws.min(LIVE_DRAWS),
        seed: sc.monte_carlo.seed,
        interval: sc.monte_carlo.interval,
        confidence: None,
        by_year: false,
        at_least: None,
        sensitivity: false,
        decision_key: None,
        sampling: None,
        auto: None,
    }
}

/// The inputs the scenario heat map offers, with the values it tries around the scenario's own.
fn grid_spec(name: &str, iv: &crate::scenario::Intervention) -> Option<String> {
    let r4 = |x: f64| (x * 1e4).round() / 1e4;
    Some(match name {
        "success_rate" => {
            let top = (iv.success_rate * 2.0).clamp(0.1, 1.0);
            let v: Vec<String> = (0..=8)
                .map(|i| r4(top * i as f64 / 8.0).to_string())
                .collect();
            format!("success_rate={}", v.join(","))
        }
        "cost_factor" => "cost_factor=0.6:1.4:0.1".into(),
        "consequence_factor" => "consequence_factor=0.6:1.4:0.1".into(),
        "participants" => {
            let n = iv.participants.first().copied().unwrap_or(10.0).max(2.0);
            let v: Vec<String> = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0]
                .iter()
                .map(|f| (n * f).round().max(1.0).to_string())
                .collect();
            format!("participants={}", v.join(","))
        }
        "period" => "period=3,5,8,10,15,20".into(),
        "discount_rate" => "discount_rate=0,0.02,0.03,0.04,0.05,0.06".into(),
        _ => return None,
    })
}

const GRID_INPUTS: [&str; 6] = [
    "success_rate",
    "cost_factor",
    "consequence_factor",
    "participants",
    "period",
    "discount_rate",
];

/// The results panel for intervention `iv`: the key figures always, the tab in view below.
fn results_html(
    app: &App,
    parsed: &Result<Scenario, ScenarioError>,
    iv: usize,
    tab: &str,
    grid: Option<&(String, String)>,
    lang: Lang,
) -> String {
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let sc = match parsed {
        Ok(sc) => sc,
        Err(e) => {
            return format!(
                "<div class=\"missing\" data-testid=\"results-missing\"><h3>{}</h3><p>{}</p><p class=\"hint\">{}</p></div>",
                l(
                    "Resultaterne venter på en rettelse",
                    "The results wait for a correction"
                ),
                esc(&e.to_string()),
                l(
                    "Feltet er markeret i beregningen til venstre. Filen kan stadig gemmes som kladde.",
                    "The field is marked in the calculation on the left. The file can still be saved as a draft."
                )
            );
        }
    };
    let iv = iv.min(sc.interventions.len().saturating_sub(1));
    let Some(v) = sc.interventions.get(iv) else {
        return format!(
            "<p>{}</p>",
            l("Ingen indsatser i filen.", "No interventions in the file.")
        );
    };
    let tab = if tabs(lang).iter().any(|(k, _)| *k == tab) {
        tab
    } else {
        "resultat"
    };
    let c = crate::model::calculate(sc, v);
    let mut h = String::new();

    // key figures
    let pv = c.pv.get(TOTAL).copied().unwrap_or(0.0);
    let be = match (
        c.break_even_year.get(TOTAL).copied().flatten(),
        c.break_even_years_since_start.get(TOTAL).copied().flatten(),
    ) {
        (Some(y), Some(n)) => format!("{y} ({} {n})", l("år", "year")),
        (Some(y), None) => y.to_string(),
        _ => words::no_break_even(lang).to_string(),
    };
    let _ = write!(
        h,
        "<div class=\"headline\"><div class=\"kpi\"><span class=\"k\">{} {}–{}</span><span class=\"v{}\" data-testid=\"pv-total\" data-value=\"{pv}\">{}</span><small>{}{}</small></div>\
         <div class=\"kpi\"><span class=\"k\">Break-even</span><span class=\"v\" data-testid=\"break-even\">{}</span></div>",
        l("Nutidsværdi i alt", "Total present value"),
        c.result_period[0],
        c.result_period[1],
        if pv < 0.0 { " neg" } else { " pos" },
        esc(&kr(pv, lang)),
        c.price_year,
        l("-priser", " prices"),
        esc(&be),
    );
    // the intervention in view alone: its break-even requirement does not depend on the others
    let one = {
        let mut one = Scenario {
            interventions: Vec::new(),
            ..sc.clone()
        };
        one.interventions.push(v.clone());
        one
    };
    let require = crate::analysis::require::run(&one, &crate::analysis::require::Target::BreakEven);
    match require.as_ref().ok().and_then(|r| r.first()) {
        Some(r) => {
            let rate = r.success_rate.get(TOTAL).copied().flatten();
            let _ = write!(
                h,
                "<div class=\"kpi\"><span class=\"k\">{}</span><span class=\"v\" data-testid=\"required-rate\" data-value=\"{}\">{}</span><small>{}</small></div>",
                l("Krævet succesrate (i alt)", "Required success rate (total)"),
                rate.map_or(String::new(), |x| x.to_string()),
                rate.map_or_else(|| words::none(lang).to_string(), |x| pct(x, 1, lang)),
                esc(&words::requirement(rate, c.success_rate, lang))
            );
        }
        None => {
            let msg = require
                .as_ref()
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            let _ = write!(
                h,
                "<div class=\"kpi\"><span class=\"k\">{}</span><span class=\"v\" data-testid=\"required-rate\">–</span><small>{}</small></div>",
                l("Krævet succesrate", "Required success rate"),
                esc(&msg)
            );
        }
    }
    // a portfolio (more interventions than the report details, DETAILED_UP_TO): the live Monte
    // Carlo draws the intervention in view alone, so typing stays quick; its joint draws with the
    // others are the Sammenlign tab's, `soem mc`'s and the report's
    let alone = sc.interventions.len() > view::decision::DETAILED_UP_TO;
    let (mc_sc, mc_at) = if alone { (&one, 0) } else { (sc, iv) };
    let mc = has_uncertainty(mc_sc).then(|| {
        // what drives the uncertainty and what knowing more is worth: on the tab that shows it
        let opt = crate::analysis::mc::Options {
            sensitivity: tab == "mc",
            ..live_options(mc_sc)
        };
        crate::analysis::mc::run(
            mc_sc,
            &app.kb.hash,
            &opt,
            &crate::cli::progress::Terminal::silent(),
        )
    });
    match &mc {
        Some(Ok(rs)) => {
            if let Some(p) = rs.get(mc_at).and_then(|r| r.pv.get(TOTAL)) {
                let _ = write!(
                    h,
                    "<div class=\"kpi\"><span class=\"k\">Monte Carlo, {} {}</span><span class=\"v\" data-testid=\"mc-interval\" data-low=\"{}\" data-high=\"{}\">{} – {}</span><small>P({}) = {} · {} {}</small></div>",
                    pct(sc.monte_carlo.interval, 0, lang),
                    l("interval", "interval"),
                    p.interval[0],
                    p.interval[1],
                    esc(&tkr(p.interval[0], lang)),
                    esc(&tkr(p.interval[1], lang)),
                    l("gevinst", "gain"),
                    pct(p.p_positive, 0, lang),
                    crate::present::format::int(rs[mc_at].draws as f64, lang),
                    l("træk, tusinde kr.", "draws, thousand kr."),
                );
                if alone {
                    // replace the closing of the small text with the note
                    if let Some(at) = h.rfind("</small></div>") {
                        h.insert_str(
                            at,
                            l(
                                " · denne indsats alene (Sammenlign trækker alle sammen)",
                                " · this intervention alone (Compare draws them all jointly)",
                            ),
                        );
                    }
                }
            }
        }
        Some(Err(e)) => {
            let _ = write!(
                h,
                "<div class=\"kpi\"><span class=\"k\">Monte Carlo</span><span class=\"v\" data-testid=\"mc-interval\">–</span><small>{}</small></div>",
                esc(&e.to_string())
            );
        }
        None => {
            let _ = write!(
                h,
                "<div class=\"kpi muted\"><span class=\"k\">Monte Carlo</span><span class=\"v\" data-testid=\"mc-interval\">–</span><small>{}</small></div>",
                l(
                    "Angiv usikkerhed (skærm 6) for at se intervallet",
                    "Set the uncertainty (screen 6) to see the interval"
                )
            );
        }
    }
    h += "</div>";
    let ill = view::calc::illustrative(&c, lang);
    if !ill.is_empty() {
        let _ = write!(
            h,
            // the warning always shows; its list of items (it can be long) is one click away
            "<details class=\"warn\" data-testid=\"illustrative\"><summary><b>{}</b> ({} {})</summary><ul>",
            esc(words::illustrative_heading(lang)),
            ill.len(),
            l("ydelser", "items")
        );
        for line in ill {
            let _ = write!(h, "<li>{}</li>", esc(&line));
        }
        h += "</ul></details>";
    }
    if !sc.warnings.is_empty() {
        h += "<div class=\"warn\"><ul>";
        for w in &sc.warnings {
            let _ = write!(h, "<li>{}</li>", esc(&words::warning(w, lang)));
        }
        h += "</ul></div>";
    }

    // tabs
    h += "<nav class=\"tabs\" role=\"tablist\">";
    for (k, label) in tabs(lang) {
        let _ = write!(
            h,
            "<button role=\"tab\" data-tab=\"{k}\" data-testid=\"tab-{k}\" class=\"{}\">{}</button>",
            if k == tab { "on" } else { "" },
            esc(label)
        );
    }
    let _ = write!(h, "</nav><div class=\"tab\" data-testid=\"panel-{tab}\">");
    let period = Some((c.result_period[0], c.result_period[1]));
    match tab {
        "krav" => match require.as_ref().ok().and_then(|r| r.first()) {
            Some(r) => {
                let _ = write!(h, "<h4>{}</h4>", esc(&view::require::heading(r, lang)));
                h += &view::require::actors(r, lang).to_html(lang);
                if let Some(d) = r.details.get(TOTAL) {
                    h += &figure(charts::svg(&charts::requirement(&c, d, lang)));
                }
                h += &view::require::by_period(r, lang).to_titled_html(lang);
                h += &view::require::other_inputs(r, lang).to_titled_html(lang);
            }
            None => {
                let _ = write!(
                    h,
                    "<p class=\"error\">{}</p>",
                    esc(&require
                        .as_ref()
                        .err()
                        .map(|e| e.to_string())
                        .unwrap_or_default())
                );
            }
        },
        "tornado" => {
            let opt = crate::analysis::tornado::Options {
                delta: 0.2,
                success_points: 0.05,
                discount: Some((0.02, 0.06)),
                key: TOTAL.into(),
            };
            match crate::analysis::tornado::tornado(sc, v, &opt) {
                Ok(t) => {
                    let _ = write!(h, "<h4>{}</h4>", esc(&view::tornado::heading(&t, lang)));
                    h += &figure(charts::svg(&charts::tornado(&t, lang)));
                    h += &view::tornado::bars(&t, lang, false).to_html(lang);
                    let _ = write!(
                        h,
                        "<p class=\"hint\">{}</p>",
                        esc(view::tornado::legend(lang))
                    );
                }
                Err(e) => {
                    let _ = write!(h, "<p class=\"error\">{}</p>", esc(&e.to_string()));
                }
            }
        }
        "mc" => match &mc {
            Some(Ok(rs)) => {
                if let Some(r) = rs.get(mc_at) {
                    let _ = write!(h, "<h4>{}</h4>", esc(&view::mc::heading(r, period, lang)));
                    h += &view::mc::summary(r, lang).to_html(lang);
                    if let Some(p) = r.pv.get(TOTAL) {
                        let _ = write!(
                            h,
                            "<p class=\"hint\" data-testid=\"precision\">{}</p>",
                            esc(&words::precision(&p.precision, r.draws, lang))
                        );
                    }
                    h += &figure(charts::svg(&charts::histogram(r, lang)));
                    h += &figure(charts::svg(&charts::risk_profile(r, lang)));
                    if let Some(p) = r.pv.get(TOTAL) {
                        let zero = crate::analysis::mc::AtLeast {
                            amount: 0.0,
                            p: p.p_positive,
                        };
                        let _ = write!(
                            h,
                            "<p data-testid=\"at-least\">{}</p>",
                            esc(&words::at_least(&zero, lang))
                        );
                    }
                    if let Some(d) = charts::drivers(r, lang) {
                        h += &figure(charts::svg(&d));
                    }
                    if let Some(t) = view::mc::sensitivity(r, TOTAL, lang) {
                        h += &t.to_titled_html(lang);
                    } else if let Some(t) = view::mc::rank_sensitivity(r, TOTAL, lang) {
                        let _ = write!(h, "<p>{}</p>", esc(words::correlated_sensitivity(lang)));
                        h += &t.to_titled_html(lang);
                    }
                    if let Some(v) = &r.value_of_information {
                        let _ = write!(
                            h,
                            "<div data-testid=\"value-of-information\">{}</div>",
                            view::mc::value_html(v, lang)
                        );
                    }
                    for line in view::mc::split_incentives(r, 0.01, 0, lang) {
                        let _ = write!(h, "<p>{}</p>", esc(&line));
                    }
                    if let Some(s) = view::mc::required_rate(r, lang) {
                        let _ = write!(h, "<p>{}</p>", esc(&s));
                    }
                    let _ = write!(
                        h,
                        "<p class=\"hint\">{} {} · seed {} · {}</p>",
                        crate::present::format::int(r.draws as f64, lang),
                        l("træk", "draws"),
                        r.seed,
                        l(
                            "rapporten og soem mc bruger filens antal træk",
                            "the report and soem mc use the file's number of draws"
                        )
                    );
                }
            }
            Some(Err(e)) => {
                let _ = write!(h, "<p class=\"error\">{}</p>", esc(&e.to_string()));
            }
            None => {
                let _ = write!(
                    h,
                    "<p>{}</p>",
                    l(
                        "Der er ingen usikre input endnu. Vælg en fordeling for succesraten, konsekvenserne, priserne eller omkostningerne under Usikkerhed (skærm 6).",
                        "There are no uncertain inputs yet. Choose a distribution for the success rate, the consequences, the prices or the costs under Uncertainty (screen 6)."
                    )
                );
            }
        },
        "scenarier" => {
            let (a, b) = grid
                .cloned()
                .unwrap_or(("success_rate".into(), "cost_factor".into()));
            let pick = |name: &str, which: &str, other: &str| {
                let mut s = format!(
                    "<label class=\"f inline\"><span class=\"lbl\">{}</span><select data-grid=\"{which}\" data-testid=\"grid-{which}\">",
                    if which == "a" {
                        l("Rækker", "Rows")
                    } else {
                        l("Kolonner", "Columns")
                    }
                );
                for g in GRID_INPUTS {
                    if g != other {
                        let _ = write!(
                            s,
                            "<option value=\"{g}\"{}>{g}</option>",
                            if g == name { " selected" } else { "" }
                        );
                    }
                }
                s + "</select></label>"
            };
            h += "<div class=\"row\">";
            h += &pick(&a, "a", &b);
            h += &pick(&b, "b", &a);
            h += "</div>";
            let dims: Result<Vec<_>, String> = [&a, &b]
                .iter()
                .map(|n| {
                    let spec = grid_spec(n, v).ok_or_else(|| format!("unknown input {n}"))?;
                    crate::scenario::vary::parse_within(&spec, &sc.limits)
                        .map_err(|e| e.to_string())
                })
                .collect();
            let result = dims.and_then(|d| {
                crate::analysis::grid::run(
                    &one,
                    &app.kb,
                    &d,
                    &crate::cli::progress::Terminal::silent(),
                )
                .map_err(|e| e.to_string())
            });
            match result {
                Ok(rs) => match rs.first().and_then(view::grid::matrix) {
                    Some(m) => h += &heat(&m, lang),
                    None => h += "<p>–</p>",
                },
                Err(e) => {
                    let _ = write!(h, "<p class=\"error\">{}</p>", esc(&e));
                }
            }
        }
        "sammenlign" => {
            if sc.interventions.len() < 2 {
                let _ = write!(
                    h,
                    "<p>{}</p>",
                    l(
                        "Sammenligning kræver to eller flere indsatser i filen: tilføj en med “+ indsats til sammenligning” øverst i beregningen.",
                        "A comparison needs two or more interventions in the file: add one with “+ intervention to compare” at the top of the calculation."
                    )
                );
            } else if !has_uncertainty(sc) {
                let _ = write!(
                    h,
                    "<p>{}</p>",
                    l(
                        "Sammenligningen bruger Monte Carlo: angiv usikkerhed for indsatserne (skærm 6).",
                        "The comparison uses Monte Carlo: set the interventions' uncertainty (screen 6)."
                    )
                );
            } else {
                let opt = crate::analysis::mc::Options {
                    sensitivity: true,
                    ..live_options(sc)
                };
                match crate::analysis::mc::compare(
                    sc,
                    &app.kb.hash,
                    &opt,
                    &crate::cli::progress::Terminal::silent(),
                ) {
                    Ok(cmp) => {
                        h += &figure(charts::svg(&charts::overlap(&cmp.interventions, lang)));
                        h += &view::mc::ranking(&cmp, TOTAL, lang).to_titled_html(lang);
                        let _ = write!(h, "<div data-testid=\"pairs\">");
                        if view::decision::shows_pairs(&cmp) {
                            for pr in &cmp.pairs {
                                let _ =
                                    write!(h, "<p>{}</p>", esc(&view::mc::pair_sentence(pr, lang)));
                            }
                            h += "</div>";
                            h += &view::mc::pairs(&cmp, lang).to_html(lang);
                        } else {
                            // as in the report: sixty interventions make 1,770 pairs
                            let _ = write!(
                                h,
                                "<p>{}</p></div>",
                                l(
                                    "Rangordningen viser risikoen for forkert valg mod den næste. Alle par med overlap og risiko står i rapportens tables.xlsx (Lav rapport).",
                                    "The ranking shows the risk of the wrong choice against the next one. Every pair with its overlap and risk is in the report's tables.xlsx (Make report)."
                                )
                            );
                        }
                        let _ = write!(
                            h,
                            "<p data-testid=\"portfolio\">{}</p>",
                            esc(&view::mc::portfolio(&cmp.portfolio, lang))
                        );
                        if let Some(v) = &cmp.value_of_information {
                            let _ = write!(
                                h,
                                "<div data-testid=\"value-of-information\">{}</div>",
                                view::mc::value_html(v, lang)
                            );
                        }
                    }
                    Err(e) => {
                        let _ = write!(h, "<p class=\"error\">{}</p>", esc(&e.to_string()));
                    }
                }
            }
        }
        _ => {
            let n: f64 = v.participants.iter().sum();
            let _ = write!(
                h,
                "<p class=\"meta\">{}</p>",
                esc(&view::calc::settings_line(&c, n, lang))
            );
            h += &figure(charts::svg(&charts::net_bars(&c, lang)));
            for t in view::calc::tables(&c, lang) {
                h += &t.to_titled_html(lang);
            }
        }
    }
    h += "</div>";
    h
}

/// The heat map of a two-input grid: the matrix view's table with each cell coloured by its sign
/// and size.
fn heat(m: &view::grid::Matrix, lang: Lang) -> String {
    let t = view::grid::matrix_table(m, lang, 200);
    let top = m.pv.iter().flatten().fold(1.0f64, |a, x| a.max(x.abs()));
    let mut h = format!(
        "<h4>{}</h4><table class=\"heat\" data-testid=\"heat-map\"><thead><tr>",
        esc(t.title.as_deref().unwrap_or(""))
    );
    for c in t.header() {
        let _ = write!(h, "<th>{}</th>", esc(&c));
    }
    h += "</tr></thead><tbody>";
    for (row, vals) in t.shown(lang).iter().zip(&m.pv) {
        let _ = write!(h, "<tr><th>{}</th>", esc(&row[0]));
        for (cell, x) in row.iter().skip(1).zip(vals) {
            let a = (x.abs() / top).sqrt().clamp(0.08, 1.0);
            let (r, g, b) = if *x >= 0.0 {
                (46, 139, 87)
            } else {
                (200, 60, 50)
            };
            let _ = write!(
                h,
                "<td style=\"background:rgba({r},{g},{b},{a:.2})\">{}</td>",
                esc(cell)
            );
        }
        h += "</tr>";
    }
    h + "</tbody></table>"
}
