//! The routes: the JSON API (documented in the README, "The workbench's API") and the pages.
//! The computing endpoints build the command line's own arguments from the query (`?draws=1000`
//! is `--draws 1000`), so their checks, defaults and JSON are the command's.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use clap::CommandFactory;
use serde::Deserialize;

use super::guard::{self, error};
use super::workspace::WsError;
use super::{App, MAX_BODY, page};
use crate::export::Format;
use crate::present::format::Lang;
use crate::scenario::{Scenario, ScenarioError};

type Shared = State<Arc<App>>;

/// The server's routes behind its [`guard`].
pub fn router(app: Arc<App>) -> Router {
    router_with(app, Router::new())
}

/// The routes plus `extra` ones, all behind the guard (tests add a route that panics).
pub fn router_with(app: Arc<App>, extra: Router<Arc<App>>) -> Router {
    Router::new()
        .route("/", get(page::list))
        .route("/edit/{name}", get(page::edit))
        .route("/knowledge", get(page::knowledge))
        .route("/assets/{file}", get(page::asset))
        .route("/reports/{id}/{*file}", get(report_file))
        .route("/api/scenarios", get(list).post(create))
        .route("/api/scenarios/{name}", get(read).put(save).delete(delete))
        .route("/api/scenarios/{name}/duplicate", post(duplicate))
        .route("/api/knowledge/{what}", get(knowledge))
        .route("/api/report", post(report))
        .route("/api/workbench", post(page::workbench))
        .route("/api/{command}", post(compute))
        .merge(extra)
        .fallback(|| async { guard::not_found() })
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::guard,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(app)
}

/// The language a request asks for (`?lang=en`), else the server's.
pub fn lang_of(q: &[(String, String)], app: &App) -> Lang {
    match q.iter().find(|(k, _)| k == "lang").map(|(_, v)| v.as_str()) {
        Some("en") => Lang::En,
        Some("da") => Lang::Da,
        _ => app.lang,
    }
}

/// Runs blocking work off the server's threads; a panic in it is a 500 with a message.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Response> {
    tokio::task::spawn_blocking(f).await.map_err(|_| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error while computing (the server keeps running; please report the scenario)",
        )
    })
}

/// A scenario error as the API's JSON: the message the command line prints, and its field and
/// line apart.
pub fn scenario_error_json(e: &ScenarioError) -> serde_json::Value {
    match e {
        ScenarioError::Invalid {
            line,
            field,
            message,
            ..
        } => serde_json::json!({
            "error": e.to_string(), "field": field, "line": line, "message": message
        }),
        ScenarioError::Io { .. } => serde_json::json!({ "error": e.to_string() }),
    }
}

fn bad_request(v: serde_json::Value) -> Response {
    (StatusCode::BAD_REQUEST, axum::Json(v)).into_response()
}

/// An `anyhow` error from the command layer as a 400, with field and line for scenario errors.
fn command_error(e: &anyhow::Error) -> Response {
    if let Some(se) = e.downcast_ref::<ScenarioError>() {
        return bad_request(scenario_error_json(se));
    }
    let mut msg = e.to_string();
    for c in e.chain().skip(1) {
        msg += &format!(": {c}");
    }
    bad_request(serde_json::json!({ "error": msg }))
}

fn ws_error(e: WsError) -> Response {
    let status = match &e {
        WsError::BadName(_) => StatusCode::BAD_REQUEST,
        WsError::NotFound(_) => StatusCode::NOT_FOUND,
        WsError::Conflict { .. } => StatusCode::CONFLICT,
        WsError::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut body = serde_json::json!({ "error": e.to_string() });
    if let WsError::Conflict {
        current: Some(v), ..
    } = &e
    {
        body["current"] = serde_json::json!(v);
    }
    (status, axum::Json(body)).into_response()
}

/// Parses and validates scenario text sent under `name` (used in messages).
pub fn parse(app: &App, name: &str, bytes: Vec<u8>) -> Result<Scenario, ScenarioError> {
    crate::scenario::from_bytes(Path::new(name), bytes, &app.kb, &app.limits)
}

/// One row of `GET /api/scenarios`.
#[derive(Debug, serde::Serialize)]
pub struct Entry {
    /// File name.
    pub name: String,
    /// The file's title (or its name).
    pub title: String,
    /// Intervention ids.
    pub interventions: Vec<String>,
    /// Best-estimate PV of the total, per intervention.
    pub pv_total: Vec<f64>,
    /// Last modified, seconds since 1970.
    pub modified: Option<u64>,
    /// The file's version.
    pub version: String,
    /// Why the engine rejects the file, if it does.
    pub error: Option<String>,
}

/// The folder's scenario files with their titles and best estimates.
pub fn entries(app: &App) -> Result<Vec<Entry>, WsError> {
    let mut out = Vec::new();
    for name in app.ws.list()? {
        let Ok(r) = app.ws.read(&name) else { continue };
        let mut e = Entry {
            title: name.clone(),
            name: name.clone(),
            interventions: Vec::new(),
            pv_total: Vec::new(),
            modified: r.modified,
            version: r.version.clone(),
            error: None,
        };
        match parse(app, &name, r.bytes) {
            Ok(sc) => {
                e.title = sc.title.clone();
                for iv in &sc.interventions {
                    let c = crate::model::calculate(&sc, iv);
                    e.interventions.push(iv.id.clone());
                    e.pv_total
                        .push(c.pv.get(crate::model::TOTAL).copied().unwrap_or(0.0));
                }
            }
            Err(err) => e.error = Some(err.to_string()),
        }
        out.push(e);
    }
    Ok(out)
}

async fn list(State(app): Shared) -> Response {
    match blocking(move || entries(&app)).await {
        Ok(Ok(v)) => axum::Json(v).into_response(),
        Ok(Err(e)) => ws_error(e),
        Err(r) => r,
    }
}

fn etag(v: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{v}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

async fn read(State(app): Shared, UrlPath(name): UrlPath<String>) -> Response {
    match app.ws.read(&name) {
        Ok(r) => {
            let mut resp = r.bytes.into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/toml; charset=utf-8"),
            );
            h.insert(header::ETAG, etag(&r.version));
            resp
        }
        Err(e) => ws_error(e),
    }
}

/// The version an `If-Match` header names (quotes and a weak `W/` dropped).
fn if_match(h: &HeaderMap) -> Option<String> {
    let v = h.get(header::IF_MATCH)?.to_str().ok()?.trim();
    Some(v.trim_start_matches("W/").trim_matches('"').to_string())
}

async fn save(
    State(app): Shared,
    UrlPath(name): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let expect = if_match(&headers);
    let bytes = body.to_vec();
    let app2 = app.clone();
    let name2 = name.clone();
    let result = blocking(move || {
        let v = app2.ws.write(&name2, &bytes, expect.as_deref())?;
        // saved even when the engine rejects it (a draft): the answer says why
        let check = parse(&app2, &name2, bytes).err();
        Ok::<_, WsError>((v, check))
    })
    .await;
    match result {
        Ok(Ok((v, check))) => {
            let body = serde_json::json!({
                "name": name,
                "version": v,
                "valid": check.is_none(),
                "problem": check.as_ref().map(scenario_error_json),
            });
            let mut r = axum::Json(body).into_response();
            r.headers_mut().insert(header::ETAG, etag(&v));
            r
        }
        Ok(Err(e)) => ws_error(e),
        Err(r) => r,
    }
}

async fn delete(State(app): Shared, UrlPath(name): UrlPath<String>) -> Response {
    match app.ws.trash(&name) {
        Ok(to) => axum::Json(serde_json::json!({ "name": name, "moved_to": to })).into_response(),
        Err(e) => ws_error(e),
    }
}

#[derive(Deserialize)]
struct New {
    target_group: String,
    success_goal: Option<String>,
    name: Option<String>,
}

async fn create(State(app): Shared, body: Bytes) -> Response {
    let req: New = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad_request(serde_json::json!({
                "error": format!("expected {{\"target_group\": id, \"success_goal\"?: id, \"name\"?: file name}}: {e}")
            }));
        }
    };
    let text = match crate::cli::new::scenario(
        &app.kb,
        &req.target_group,
        req.success_goal.as_deref(),
        app.lang,
    ) {
        Ok(t) => t,
        Err(e) => return command_error(&e),
    };
    let name = req
        .name
        .unwrap_or_else(|| app.ws.free_name(&req.target_group));
    match app.ws.write(&name, text.as_bytes(), None) {
        Ok(v) => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({ "name": name, "version": v })),
        )
            .into_response(),
        Err(e) => ws_error(e),
    }
}

async fn duplicate(State(app): Shared, UrlPath(name): UrlPath<String>) -> Response {
    let r = match app.ws.read(&name) {
        Ok(r) => r,
        Err(e) => return ws_error(e),
    };
    let stem = format!("{}-kopi", name.trim_end_matches(".toml"));
    let to = app.ws.free_name(&stem);
    match app.ws.write(&to, &r.bytes, None) {
        Ok(v) => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({ "name": to, "version": v })),
        )
            .into_response(),
        Err(e) => ws_error(e),
    }
}

/// Query parameters the API does not pass on as flags: the language, the file name for
/// messages, the server's own token, and flags that would write files or change where the
/// knowledge base is read from.
const NOT_FLAGS: &[&str] = &["lang", "name", "token"];
const REFUSED: &[&str] = &["out", "force", "knowledge", "format"];

/// The command line for `command` with the query's flags: `?draws=100&by_year=true` is
/// `soem --format json --lang da <command> <file> --draws 100 --by-year`.
pub fn command_line(
    command: &str,
    file: Option<&str>,
    q: &[(String, String)],
    lang: Lang,
) -> Result<crate::cli::Cli, String> {
    let cli = crate::cli::Cli::command();
    let mut sub = &cli;
    for word in command.split(' ') {
        sub = sub
            .find_subcommand(word)
            .ok_or_else(|| format!("no such command: {command}"))?;
    }
    let mut args: Vec<String> = vec![
        "soem".into(),
        "--format".into(),
        "json".into(),
        "--lang".into(),
        lang.code().into(),
    ];
    args.extend(command.split(' ').map(str::to_string));
    if let Some(f) = file {
        args.push(f.into());
    }
    for (k, v) in q {
        if NOT_FLAGS.contains(&k.as_str()) {
            continue;
        }
        if REFUSED.contains(&k.as_str()) {
            return Err(format!("the option {k} is not available over the API"));
        }
        let flag = k.replace('_', "-");
        let Some(arg) = sub
            .get_arguments()
            .find(|a| a.get_long() == Some(flag.as_str()))
        else {
            return Err(format!("{command} has no option {k}"));
        };
        if arg.get_action().takes_values() {
            args.push(format!("--{flag}"));
            args.push(v.clone());
        } else {
            match v.as_str() {
                "" | "true" | "1" | "yes" => args.push(format!("--{flag}")),
                "false" | "0" | "no" => {}
                _ => return Err(format!("{k} takes true or false, got {v}")),
            }
        }
    }
    crate::cli::Cli::try_parse_from_args(&args)
}

const COMMANDS: &[&str] = &["calc", "require", "tornado", "grid", "mc", "compare"];

async fn compute(
    State(app): Shared,
    UrlPath(command): UrlPath<String>,
    Query(q): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Response {
    if !COMMANDS.contains(&command.as_str()) {
        return guard::not_found();
    }
    let lang = lang_of(&q, &app);
    let name = q
        .iter()
        .find(|(k, _)| k == "name")
        .map_or("scenario.toml".to_string(), |(_, v)| v.clone());
    let cli = match command_line(&command, Some(&name), &q, lang) {
        Ok(c) => c,
        Err(e) => return bad_request(serde_json::json!({ "error": e })),
    };
    let bytes = body.to_vec();
    let out = blocking(move || -> Result<String, Response> {
        let sc = parse(&app, &name, bytes).map_err(|e| bad_request(scenario_error_json(&e)))?;
        json_of(&app, &cli, Some(&sc), lang)
    })
    .await;
    match out {
        Ok(Ok(json)) => json_text(json),
        Ok(Err(r)) | Err(r) => r,
    }
}

/// What `cli` prints with `--format json`, run on the app's knowledge base (and `sc`).
fn json_of(
    app: &App,
    cli: &crate::cli::Cli,
    sc: Option<&Scenario>,
    lang: Lang,
) -> Result<String, Response> {
    let r = crate::cli::result(cli, &app.kb, sc).map_err(|e| command_error(&e))?;
    crate::export::render(r.as_ref(), Format::Json, lang)
        .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

fn json_text(json: String) -> Response {
    let mut r = json.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

async fn knowledge(
    State(app): Shared,
    UrlPath(what): UrlPath<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    if ![
        "groups", "items", "prices", "studies", "tables", "settings", "cases",
    ]
    .contains(&what.as_str())
    {
        return guard::not_found();
    }
    let lang = lang_of(&q, &app);
    // `?group=ID` is `--group ID` (prices, studies), as any flag
    let cli = match command_line(&format!("knowledge {what}"), None, &q, lang) {
        Ok(c) => c,
        Err(e) => return bad_request(serde_json::json!({ "error": e })),
    };
    let out = blocking(move || json_of(&app, &cli, None, lang)).await;
    match out {
        Ok(Ok(json)) => json_text(json),
        Ok(Err(r)) | Err(r) => r,
    }
}

/// Makes the decision report of the scenario in the body: the folder is kept while the server
/// runs (its page at the `X-Report-Url` the answer names) and sent as a zip.
async fn report(
    State(app): Shared,
    Query(q): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Response {
    let lang = lang_of(&q, &app);
    let name = q
        .iter()
        .find(|(k, _)| k == "name")
        .map_or("scenario.toml".to_string(), |(_, v)| v.clone());
    let get = |k: &str| q.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
    let purpose = match get("for").as_deref() {
        None => crate::analysis::decision::Purpose::All,
        Some(p) => match <crate::analysis::decision::Purpose as clap::ValueEnum>::from_str(p, true)
        {
            Ok(p) => p,
            Err(_) => {
                return bad_request(serde_json::json!({
                    "error": format!("for: expected evaluation, investment, prioritisation, budget or all, got {p}")
                }));
            }
        },
    };
    let num = |k: &str| -> Result<Option<u64>, Response> {
        match get(k) {
            None => Ok(None),
            Some(v) => v.parse::<u64>().map(Some).map_err(|_| {
                bad_request(serde_json::json!({ "error": format!("{k}: expected a whole number, got {v}") }))
            }),
        }
    };
    let (draws, seed) = match (num("draws"), num("seed")) {
        (Ok(d), Ok(s)) => (d, s),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let bytes = body.to_vec();
    let out = blocking(move || -> Result<(Vec<u8>, u64), Response> {
        let sc = parse(&app, &name, bytes).map_err(|e| bad_request(scenario_error_json(&e)))?;
        let id = app.report_seq.fetch_add(1, Ordering::SeqCst) + 1;
        let dir = app.reports.join(id.to_string());
        let zip = make_report(&app, &sc, &dir, purpose, lang, draws, seed)
            .map_err(|e| command_error(&e))?;
        Ok((zip, id))
    })
    .await;
    match out {
        Ok(Ok((zip, id))) => {
            let mut r = zip.into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/zip"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"rapport.zip\""),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("/reports/{id}/index.html")) {
                h.insert("x-report-url", v);
            }
            if let Ok(v) = HeaderValue::from_str(&format!("/reports/{id}/rapport.zip")) {
                h.insert("x-report-zip", v);
            }
            r
        }
        Ok(Err(r)) | Err(r) => r,
    }
}

/// Writes the report of `sc` into `dir` (as `soem report` does) and returns it zipped; the zip
/// is also kept as `dir/rapport.zip`.
pub fn make_report(
    app: &App,
    sc: &Scenario,
    dir: &Path,
    purpose: crate::analysis::decision::Purpose,
    lang: Lang,
    draws: Option<u64>,
    seed: Option<u64>,
) -> anyhow::Result<Vec<u8>> {
    let opt = crate::report::Options {
        out: dir.to_path_buf(),
        purpose,
        lang,
        draws: draws.unwrap_or(sc.monte_carlo.draws),
        seed: seed.unwrap_or(sc.monte_carlo.seed),
        force: false,
        at_least: None,
    };
    std::fs::create_dir_all(app.reports.as_path())?;
    let lock = crate::report::prepare(&opt)?;
    let quiet = crate::cli::progress::Terminal::silent();
    let summary = crate::analysis::decision::analyse(
        sc, &app.kb, purpose, opt.draws, opt.seed, None, &quiet,
    )?;
    crate::report::write(sc, &summary, &opt, &lock, &quiet)?;
    let zip = zip_dir(dir)?;
    std::fs::write(dir.join("rapport.zip"), &zip)?;
    Ok(zip)
}

/// The files under `dir` as a zip (deflated), paths relative to `dir`, sorted.
pub fn zip_dir(dir: &Path) -> anyhow::Result<Vec<u8>> {
    use std::io::Write;
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let e = e?;
            let p = e.path();
            if e.file_type()?.is_dir() {
                stack.push(p);
            } else if e.file_type()?.is_file() {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for f in files {
        let rel = f.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
        if rel == "rapport.zip" || rel.starts_with('.') {
            continue;
        }
        w.start_file(rel, opts)?;
        w.write_all(&std::fs::read(&f)?)?;
    }
    Ok(w.finish()?.into_inner())
}

/// A file of a report made by this server.
async fn report_file(State(app): Shared, UrlPath((id, file)): UrlPath<(u64, String)>) -> Response {
    let ok = !file.is_empty()
        && file
            .split('/')
            .all(|c| !c.is_empty() && !c.starts_with('.') && c != "..");
    if !ok {
        return guard::not_found();
    }
    let p = app.reports.join(id.to_string()).join(&file);
    match std::fs::read(&p) {
        Ok(bytes) => {
            let ct = match p.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                Some("pdf") => "application/pdf",
                Some("json") => "application/json",
                Some("csv") => "text/csv; charset=utf-8",
                Some("zip") => "application/zip",
                Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                _ => "application/octet-stream",
            };
            let mut r = bytes.into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
            r
        }
        Err(_) => guard::not_found(),
    }
}
