//! The workbench's JSON API in-process (axum's router called directly, issue 15): every endpoint,
//! the answers equal to the command line's JSON for every shipped scenario, the bad-input corpus
//! through `POST /api/calc`, and the safety layer (Host, CSRF, origin, path traversal, symlinks,
//! body limit, panics, stale saves, comment-preserving saves).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use soem::serve::{App, api};
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:8421";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A workspace with copies of the shipped scenarios, and the app over it.
fn app() -> (tempfile::TempDir, Arc<App>) {
    let d = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&p, d.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let kb = soem::kb::KnowledgeBase::shipped().unwrap();
    let addr: SocketAddr = HOST.parse().unwrap();
    let app = App::new(
        d.path(),
        kb,
        soem::limits::Limits::default(),
        addr,
        None,
        soem::present::format::Lang::Da,
    )
    .unwrap();
    (d, Arc::new(app))
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn call(app: &Arc<App>, req: Request<Body>) -> Answer {
    call_router(api::router(app.clone()), req).await
}

async fn call_router(r: axum::Router, req: Request<Body>) -> Answer {
    let resp = r.oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header("host", HOST)
        .body(Body::empty())
        .unwrap()
}

fn post_toml(uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header("host", HOST)
        .header("content-type", "application/toml")
        .body(body.into())
        .unwrap()
}

/// The page's recompute request with `req` as its JSON body.
fn workbench_request(req: &serde_json::Value) -> Request<Body> {
    Request::post("/api/workbench")
        .header("host", HOST)
        .header("content-type", "application/json")
        .body(Body::from(req.to_string()))
        .unwrap()
}

fn with_csrf(app: &App, mut r: Request<Body>) -> Request<Body> {
    r.headers_mut()
        .insert("x-csrf-token", app.csrf.parse().unwrap());
    r
}

/// What `soem <args> --format json` prints, run in-process as `main` does.
fn cli_json(args: &[&str]) -> String {
    let mut all: Vec<String> = vec!["soem".into(), "--format".into(), "json".into()];
    all.extend(args.iter().map(|s| s.to_string()));
    let cli = soem::cli::Cli::try_parse_from_args(&all).unwrap();
    soem::cli::run(&cli).unwrap()
}

fn shipped() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_answers_the_command_lines_json_for_every_shipped_scenario() {
    let (_d, app) = app();
    let mut checked = 0;
    for path in shipped() {
        let rel = format!("scenarios/{}", path.file_name().unwrap().to_string_lossy());
        let text = std::fs::read(&path).unwrap();
        let sc = soem::scenario::load(&path, &app.kb).unwrap();
        let mut runs: Vec<(&str, Vec<(&str, &str)>)> = vec![
            ("calc", vec![]),
            ("require", vec![]),
            ("tornado", vec![]),
            (
                "grid",
                vec![("vary", "success_rate=0.1,0.2"), ("vary", "period=5,8")],
            ),
        ];
        let uncertain = sc.interventions.iter().any(|v| {
            v.uncertainty.success_rate.is_some()
                || v.uncertainty.consequences.is_some()
                || v.uncertainty.costs.is_some()
                || v.uncertainty.prices.is_some()
        });
        if uncertain {
            runs.push((
                "mc",
                vec![("draws", "2000"), ("seed", "7"), ("by_year", "true")],
            ));
            runs.push(("mc", vec![("draws", "2000"), ("sensitivity", "true")]));
            if sc.interventions.len() > 1 {
                runs.push(("compare", vec![("draws", "2000")]));
                runs.push(("compare", vec![("draws", "2000"), ("sensitivity", "true")]));
            }
        }
        for (cmd, flags) in runs {
            let mut q = format!("name={}", rel.replace('/', "%2F"));
            let mut args = vec![cmd.to_string(), rel.clone()];
            for (k, v) in &flags {
                q += &format!("&{k}={}", v.replace('=', "%3D").replace(',', "%2C"));
                args.push(format!("--{}", k.replace('_', "-")));
                if *v != "true" {
                    args.push(v.to_string());
                }
            }
            let a = call(&app, post_toml(&format!("/api/{cmd}?{q}"), text.clone())).await;
            assert_eq!(a.status, StatusCode::OK, "{cmd} {rel}: {}", a.text());
            let want = {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                // the command line runs from the repository root
                let _cwd = CwdLock::root();
                cli_json(&args)
            };
            assert_eq!(a.text(), want, "{cmd} {rel}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} answers compared");
}

/// Runs the command line from a folder with the shipped scenarios under `scenarios/` and no
/// `knowledge/` folder, so that it reads the shipped knowledge base as the app does (tests share
/// the process's directory, hence the lock).
struct CwdLock(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);
static CWD: std::sync::Mutex<()> = std::sync::Mutex::new(());
static CLI_DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
impl CwdLock {
    fn root() -> CwdLock {
        let g = CWD.lock().unwrap_or_else(|e| e.into_inner());
        let d = CLI_DIR.get_or_init(|| {
            let d = tempfile::tempdir().unwrap();
            std::fs::create_dir(d.path().join("scenarios")).unwrap();
            for p in shipped() {
                std::fs::copy(&p, d.path().join("scenarios").join(p.file_name().unwrap())).unwrap();
            }
            d
        });
        std::env::set_current_dir(d.path()).unwrap();
        CwdLock(g)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_scenario_of_the_corpus_is_a_4xx_with_the_command_lines_message() {
    #[derive(serde::Deserialize)]
    struct Manifest {
        case: Vec<toml::Value>,
    }
    let (_d, app) = app();
    let corpus = root().join("tests/corpus");
    let m: Manifest =
        toml::from_str(&std::fs::read_to_string(corpus.join("cases.toml")).unwrap()).unwrap();
    let mut n = 0;
    for case in &m.case {
        let Some(f) = case.get("scenario").and_then(|v| v.as_str()) else {
            continue;
        };
        let Ok(bytes) = std::fs::read(corpus.join(f)) else {
            continue; // a case about a missing file or a folder: nothing to send
        };
        let a = call(
            &app,
            post_toml(&format!("/api/calc?name={}", f.replace('/', "%2F")), bytes),
        )
        .await;
        assert!(a.status.is_client_error(), "{f}: {} {}", a.status, a.text());
        let j = a.json();
        let msg = j["error"].as_str().unwrap_or_default().to_string();
        for e in case["expect"].as_array().unwrap() {
            let e = e.as_str().unwrap();
            assert!(msg.contains(e), "{f}: expected {e:?} in {msg:?}");
        }
        assert!(msg.contains(f), "{f}: the message names the file: {msg}");
        if j.get("field").is_some() {
            assert!(j["line"].as_u64().is_some(), "{f}: {j}");
        }
        n += 1;
    }
    assert!(n >= 30, "{n} corpus scenarios sent");
}

#[tokio::test]
async fn scenarios_are_listed_read_saved_with_versions_and_trashed() {
    let (d, app) = app();
    let a = call(&app, get("/api/scenarios")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["x-csrf-token"], app.csrf.as_str());
    let list = a.json();
    let cti = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "cti.toml")
        .unwrap()
        .clone();
    assert_eq!(cti["title"], "CTI til forsorgsbrugere");
    // the best estimate is the calculator's: -7.314.119 kr. (README, seed 003)
    assert_eq!(cti["pv_total"][0].as_f64().unwrap().round(), -7_314_119.0);

    let a = call(&app, get("/api/scenarios/cti.toml")).await;
    assert_eq!(a.status, StatusCode::OK);
    let text = a.text();
    assert_eq!(
        text,
        std::fs::read_to_string(d.path().join("cti.toml")).unwrap()
    );
    let etag = a.headers["etag"].to_str().unwrap().to_string();

    // a save with the version read works; the same version again is stale: 409, file kept
    let edited = text.replace("participants = [25]", "participants = [30]");
    let put = |body: String, m: Option<&str>| {
        let mut r = Request::put("/api/scenarios/cti.toml")
            .header("host", HOST)
            .header("content-type", "application/toml");
        if let Some(m) = m {
            r = r.header("if-match", m);
        }
        with_csrf(&app, r.body(Body::from(body)).unwrap())
    };
    let a = call(&app, put(edited.clone(), Some(&etag))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["valid"], true);
    assert_eq!(
        std::fs::read_to_string(d.path().join("cti.toml")).unwrap(),
        edited
    );
    let a = call(&app, put(text.clone(), Some(&etag))).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(
        a.json()["error"]
            .as_str()
            .unwrap()
            .contains("changed on disk")
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("cti.toml")).unwrap(),
        edited
    );
    // without If-Match a save only creates
    let a = call(&app, put(text.clone(), None)).await;
    assert_eq!(a.status, StatusCode::CONFLICT);

    // a draft the engine rejects is saved, and the answer says why
    let bad = edited.replace("years = 1\n", "years = 0\n");
    let v = a_version(&d.path().join("cti.toml"));
    let a = call(&app, put(bad.clone(), Some(&v))).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["valid"], false);
    assert!(
        a.json()["problem"]["field"]
            .as_str()
            .unwrap()
            .contains("years")
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("cti.toml")).unwrap(),
        bad
    );

    // new from a target group, duplicate, delete into .trash
    let r = with_csrf(
        &app,
        Request::post("/api/scenarios")
            .header("host", HOST)
            .header("content-type", "application/json")
            .body(Body::from(r#"{"target_group": "hjemloese"}"#))
            .unwrap(),
    );
    let a = call(&app, r).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    assert_eq!(a.json()["name"], "hjemloese.toml");
    let made = std::fs::read_to_string(d.path().join("hjemloese.toml")).unwrap();
    assert!(soem::scenario::parse(Path::new("x.toml"), &made, &app.kb).is_ok());
    let r = with_csrf(
        &app,
        Request::post("/api/scenarios/hjemloese.toml/duplicate")
            .header("host", HOST)
            .body(Body::empty())
            .unwrap(),
    );
    let a = call(&app, r).await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(a.json()["name"], "hjemloese-kopi.toml");
    let r = with_csrf(
        &app,
        Request::delete("/api/scenarios/hjemloese-kopi.toml")
            .header("host", HOST)
            .body(Body::empty())
            .unwrap(),
    );
    let a = call(&app, r).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(!d.path().join("hjemloese-kopi.toml").exists());
    assert!(d.path().join(".trash/hjemloese-kopi.toml").exists());
}

fn a_version(p: &Path) -> String {
    soem::serve::workspace::version(&std::fs::read(p).unwrap())
}

#[tokio::test]
async fn the_safety_layer_refuses_what_it_should() {
    let (d, app) = app();
    // wrong Host (DNS rebinding)
    let r = Request::get("/api/scenarios")
        .header("host", "evil.example:8421")
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, r).await.status, StatusCode::MISDIRECTED_REQUEST);
    // localhost is the same server
    let r = Request::get("/api/scenarios")
        .header("host", "localhost:8421")
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, r).await.status, StatusCode::OK);
    // a state change without the CSRF token, or with a wrong one
    let del = |token: Option<&str>| {
        let mut r = Request::delete("/api/scenarios/cti.toml").header("host", HOST);
        if let Some(t) = token {
            r = r.header("x-csrf-token", t);
        }
        r.body(Body::empty()).unwrap()
    };
    assert_eq!(call(&app, del(None)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        call(&app, del(Some("nope"))).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(d.path().join("cti.toml").exists());
    // another site's page
    let r = with_csrf(
        &app,
        Request::delete("/api/scenarios/cti.toml")
            .header("host", HOST)
            .header("origin", "http://evil.example")
            .body(Body::empty())
            .unwrap(),
    );
    assert_eq!(call(&app, r).await.status, StatusCode::FORBIDDEN);
    assert!(d.path().join("cti.toml").exists());
    // a computing POST must say it sends TOML (a cross-site form cannot)
    let r = Request::post("/api/calc")
        .header("host", HOST)
        .header("content-type", "text/plain")
        .body(Body::from("x"))
        .unwrap();
    assert_eq!(
        call(&app, r).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    // path traversal and absolute paths
    for name in [
        "..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd.toml",
        "..%2Fcti.toml",
        ".trash",
        "a%5Cb.toml",
    ] {
        let a = call(&app, get(&format!("/api/scenarios/{name}"))).await;
        assert!(
            a.status == StatusCode::BAD_REQUEST || a.status == StatusCode::NOT_FOUND,
            "{name}: {}",
            a.status
        );
    }
    // a symlink out of the workspace
    #[cfg(unix)]
    {
        let out = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("secret.toml"), "x = 1").unwrap();
        std::os::unix::fs::symlink(out.path().join("secret.toml"), d.path().join("link.toml"))
            .unwrap();
        let a = call(&app, get("/api/scenarios/link.toml")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(!a.text().contains("x = 1"));
    }
    // a body over 4 MiB
    let big = vec![b'#'; soem::serve::MAX_BODY + 10];
    let a = call(&app, post_toml("/api/calc", big)).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    // every answer forbids outside loads
    let a = call(&app, get("/")).await;
    assert_eq!(a.status, StatusCode::OK);
    let csp = a.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(a.text().contains(&format!(
        "<meta name=\"csrf-token\" content=\"{}\">",
        app.csrf
    )));
    // unknown options and options that would write files
    let cti = std::fs::read(root().join("scenarios/cti.toml")).unwrap();
    let a = call(&app, post_toml("/api/grid?out=x.csv", cti.clone())).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = call(&app, post_toml("/api/mc?draws=1", cti.clone())).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.json()["error"].as_str().unwrap().contains("draws"),
        "{}",
        a.text()
    );
    let a = call(&app, post_toml("/api/calc?zzz=1", cti)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_token_is_needed_beyond_loopback() {
    let d = tempfile::tempdir().unwrap();
    let app = Arc::new(
        App::new(
            d.path(),
            soem::kb::KnowledgeBase::shipped().unwrap(),
            soem::limits::Limits::default(),
            "10.0.0.5:8421".parse().unwrap(),
            Some("s3cret".into()),
            soem::present::format::Lang::Da,
        )
        .unwrap(),
    );
    let r = |uri: &str, auth: Option<&str>| {
        let mut b = Request::get(uri).header("host", "10.0.0.5:8421");
        if let Some(a) = auth {
            b = b.header("authorization", a);
        }
        b.body(Body::empty()).unwrap()
    };
    assert_eq!(
        call(&app, r("/api/scenarios", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&app, r("/api/scenarios?token=wrong", None))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&app, r("/api/scenarios", Some("Bearer s3cret")))
            .await
            .status,
        StatusCode::OK
    );
    let a = call(&app, r("/?token=s3cret", None)).await;
    assert_eq!(a.status, StatusCode::OK);
    let cookie = a.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("soem_token=s3cret;") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let with_cookie = Request::get("/api/scenarios")
        .header("host", "10.0.0.5:8421")
        .header("cookie", "soem_token=s3cret")
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, with_cookie).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_panic_in_a_handler_is_a_500_with_a_message_and_the_server_goes_on() {
    let (_d, app) = app();
    let extra = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            let v: Vec<u8> = Vec::new();
            #[allow(clippy::indexing_slicing)]
            let x = v[3];
            x.to_string()
        }),
    );
    let router = api::router_with(app.clone(), extra);
    let a = call_router(router.clone(), get("/boom")).await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    let msg = a.json()["error"].as_str().unwrap().to_string();
    assert!(msg.contains("internal error"), "{msg}");
    assert!(
        !msg.contains("index out of bounds") && !msg.contains("src/"),
        "{msg}"
    );
    assert_eq!(
        call_router(router, get("/api/scenarios")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn knowledge_endpoints_answer_the_knowledge_commands_json() {
    let (_d, app) = app();
    for what in [
        "groups", "items", "prices", "studies", "tables", "settings", "cases",
    ] {
        let a = call(&app, get(&format!("/api/knowledge/{what}"))).await;
        assert_eq!(a.status, StatusCode::OK, "{what}");
        let want = {
            let _cwd = CwdLock::root();
            cli_json(&["knowledge", what])
        };
        assert_eq!(a.text(), want, "{what}");
    }
    let a = call(&app, get("/api/knowledge/prices?group=hjemloese")).await;
    let want = {
        let _cwd = CwdLock::root();
        cli_json(&["knowledge", "prices", "--group", "hjemloese"])
    };
    assert_eq!(a.text(), want);
    assert_eq!(
        call(&app, get("/api/knowledge/nope")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_is_a_zip_with_the_page_and_is_served_while_the_server_runs() {
    let (_d, app) = app();
    let cti = std::fs::read(root().join("scenarios/cti.toml")).unwrap();
    let a = call(&app, post_toml("/api/report?draws=500&name=cti.toml", cti)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.headers["content-type"], "application/zip");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(a.body.clone())).unwrap();
    let names: Vec<String> = (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    for want in ["index.html", "report.pdf", "summary.json", "tables.xlsx"] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    let page = a.headers["x-report-url"].to_str().unwrap().to_string();
    let p = call(&app, get(&page)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.text().contains("CTI til forsorgsbrugere"));
    let zip_url = a.headers["x-report-zip"].to_str().unwrap().to_string();
    let z2 = call(&app, get(&zip_url)).await;
    assert_eq!(z2.body, a.body);
    assert_eq!(
        call(&app, get("/reports/1/..%2F..%2Fetc%2Fpasswd"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_workbench_applies_edits_and_keeps_the_files_comments() {
    let (d, app) = app();
    let text = std::fs::read_to_string(d.path().join("cti.toml")).unwrap();
    let req = serde_json::json!({
        "toml": text, "name": "cti.toml", "tab": "resultat", "iv": 0, "lang": "da", "editor": true,
        "edits": [{"path": ["intervention", 0, "success_rate"], "text": "20", "kind": "percent"}]
    });
    let r = workbench_request(&req);
    let a = call(&app, r).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let j = a.json();
    let new = j["toml"].as_str().unwrap();
    // byte-identical outside the edited value
    assert_eq!(new, text.replace("value = 0.14,", "value = 0.2,"));
    // the live PV is the calculator's at 20 %
    let sc = soem::scenario::parse(Path::new("cti.toml"), new, &app.kb).unwrap();
    let c = soem::model::calculate(&sc, &sc.interventions[0]);
    let pv = c.pv.get(soem::model::TOTAL).copied().unwrap();
    let html = j["results"].as_str().unwrap();
    assert!(
        html.contains(&format!("data-testid=\"pv-total\" data-value=\"{pv}\"")),
        "{html}"
    );
    assert!(
        j["editor"]
            .as_str()
            .unwrap()
            .contains("data-testid=\"success-rate\"")
    );
    // a bad value: the engine's message with its field, the draft kept
    let req = serde_json::json!({
        "toml": text, "name": "cti.toml",
        "edits": [{"path": ["intervention", 0, "success_rate"], "text": "140", "kind": "percent"}]
    });
    let r = workbench_request(&req);
    let j = call(&app, r).await.json();
    assert!(
        j["problem"]["field"]
            .as_str()
            .unwrap()
            .contains("success_rate"),
        "{j}"
    );
    assert!(j["results"].as_str().unwrap().contains("results-missing"));
    // text that is not a number is refused at the edit, naming what was typed
    let req = serde_json::json!({
        "toml": text, "name": "cti.toml",
        "edits": [{"path": ["intervention", 0, "participants"], "text": "mange", "kind": "intlist"}]
    });
    let r = workbench_request(&req);
    let j = call(&app, r).await.json();
    assert!(
        j["edit_error"]["message"]
            .as_str()
            .unwrap()
            .contains("mange"),
        "{j}"
    );
    assert_eq!(j["toml"].as_str().unwrap(), text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_results_tab_renders_for_every_shipped_scenario() {
    let (d, app) = app();
    for path in shipped() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(d.path().join(&name)).unwrap();
        for tab in [
            "resultat",
            "krav",
            "tornado",
            "mc",
            "scenarier",
            "sammenlign",
        ] {
            let req = serde_json::json!({ "toml": text, "name": name, "tab": tab, "editor": tab == "resultat" });
            let r = workbench_request(&req);
            let a = call(&app, r).await;
            assert_eq!(a.status, StatusCode::OK, "{name} {tab}");
            let j = a.json();
            let html = j["results"].as_str().unwrap();
            assert!(j["problem"].is_null(), "{name}: {}", j["problem"]);
            assert!(
                html.contains(&format!("data-testid=\"panel-{tab}\"")),
                "{name} {tab}"
            );
            assert!(!html.contains("class=\"error\""), "{name} {tab}: {html}");
            // the Monte Carlo tab: the risk profile, what drives the uncertainty, what knowing
            // more is worth (issue 18)
            if tab == "mc" && html.contains("data-testid=\"mc-interval\" data-low") {
                assert!(html.contains("data-testid=\"at-least\""), "{name}");
                assert!(html.contains("Hvad driver usikkerheden"), "{name}");
                assert!(
                    html.contains("data-testid=\"value-of-information\""),
                    "{name}"
                );
                assert!(html.contains("Beslutningen i dag"), "{name}");
            }
        }
        let page = call(&app, get(&format!("/edit/{name}"))).await;
        assert_eq!(page.status, StatusCode::OK, "{name}");
    }
    for p in [
        "/",
        "/knowledge",
        "/knowledge?lang=en",
        "/assets/app.js",
        "/assets/app.css",
    ] {
        assert_eq!(call(&app, get(p)).await.status, StatusCode::OK, "{p}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_portfolio_the_live_monte_carlo_draws_the_intervention_in_view_alone() {
    let (_d, app) = app();
    let path = root().join("benches/data/portfolio60.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let req = serde_json::json!({ "toml": text, "name": "portfolio60.toml", "tab": "sammenlign", "iv": 3 });
    let j = call(&app, workbench_request(&req)).await.json();
    let html = j["results"].as_str().unwrap();
    assert!(
        html.contains("denne indsats alene"),
        "the key figure says so"
    );
    // its interval is the one-intervention file's, at the live draws
    let sc = soem::scenario::load(&path, &app.kb).unwrap();
    let one = soem::scenario::Scenario {
        interventions: vec![sc.interventions[3].clone()],
        ..sc.clone()
    };
    let opt = soem::analysis::mc::Options {
        draws: one.monte_carlo.draws.min(soem::serve::page::LIVE_DRAWS),
        seed: one.monte_carlo.seed,
        interval: one.monte_carlo.interval,
        confidence: None,
        by_year: false,
        at_least: None,
        sensitivity: false,
        decision_key: None,
        sampling: None,
        auto: None,
    };
    let r = soem::analysis::mc::run(&one, &app.kb.hash, &opt, &soem::Quiet).unwrap();
    let low = r[0].pv.get(soem::model::TOTAL).unwrap().interval[0];
    assert!(html.contains(&format!("data-low=\"{low}\"")), "{low}");
    // the Compare tab keeps the joint draws, without the table of 1,770 pairs
    assert!(html.contains("tables.xlsx"));
    assert!(html.matches("<tr>").count() < 200);
}

#[tokio::test]
async fn numbers_are_read_in_the_pages_language() {
    let (d, app) = app();
    let text = std::fs::read_to_string(d.path().join("cti.toml")).unwrap();
    for (lang, typed) in [("da", "8.000.000"), ("en", "8,000,000")] {
        let req = serde_json::json!({
            "toml": text, "name": "cti.toml", "lang": lang,
            "edits": [{"path": ["intervention", 0, "costs", "kommune", 0], "text": typed, "kind": "amount"}]
        });
        let j = call(&app, workbench_request(&req)).await.json();
        let v: toml::Value = toml::from_str(j["toml"].as_str().unwrap()).unwrap();
        assert_eq!(
            v["intervention"][0]["costs"]["kommune"][0].as_integer(),
            Some(8_000_000),
            "{lang}: {typed}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_renders_every_bad_scenario_of_the_corpus_with_its_message() {
    // a file the engine rejects is still opened: the editor from the raw TOML, the message for
    // the results panel; never a 500
    let (_d, app) = app();
    let corpus = root().join("tests/corpus");
    let m: toml::Value =
        toml::from_str(&std::fs::read_to_string(corpus.join("cases.toml")).unwrap()).unwrap();
    let mut n = 0;
    for case in m["case"].as_array().unwrap() {
        let Some(f) = case.get("scenario").and_then(|v| v.as_str()) else {
            continue;
        };
        let Ok(bytes) = std::fs::read(corpus.join(f)) else {
            continue;
        };
        // the page holds text: a file that is not UTF-8 is refused when read, not here
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        for tab in ["resultat", "sammenlign"] {
            let req = serde_json::json!({ "toml": text, "name": f, "tab": tab, "editor": true });
            let a = call(&app, workbench_request(&req)).await;
            assert_eq!(a.status, StatusCode::OK, "{f}: {}", a.text());
            let j = a.json();
            assert!(j["problem"]["error"].is_string(), "{f}: {j}");
            assert!(
                j["results"].as_str().unwrap().contains("results-missing"),
                "{f}"
            );
            assert!(
                j["editor"].as_str().unwrap().contains("data-whole"),
                "{f}: the source text is there to correct"
            );
        }
        n += 1;
    }
    assert!(n >= 30, "{n}");
}

#[tokio::test]
async fn a_file_that_is_not_utf8_is_not_opened_for_editing() {
    let (d, app) = app();
    let bytes =
        std::fs::read(root().join("tests/corpus/scenarios/file/file-windows-1252.toml")).unwrap();
    std::fs::write(d.path().join("ansi.toml"), &bytes).unwrap();
    let a = call(&app, get("/edit/ansi.toml")).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("Windows-1252"), "{}", a.text());
    assert!(!a.text().contains("id=\"wb\""));
    assert_eq!(std::fs::read(d.path().join("ansi.toml")).unwrap(), bytes);
}
