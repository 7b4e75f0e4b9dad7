//! The workbench in a real headless Chromium, driven over WebDriver (Debian's `chromium` and
//! `chromium-driver`; `.ci/run` installs them). One session walks what a municipal economist does:
//! create a case from a target group, change the success rate and see the PV and the required
//! rate move to the engine's numbers, add an own item, set a distribution and see the interval,
//! save and read the file back, reload and find an unsaved edit, compare two interventions, make
//! the report and download it, and meet a file changed on disk. A screenshot of each step is
//! written to `target/tmp/browser/` (look at them).
//!
//! Without chromedriver the test fails and says how to install it; `SOEM_SKIP_BROWSER=1` skips it
//! on a machine without a browser (CI never sets it).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use soem::serve::{App, api};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shots() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Driver(Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

async fn wait_js(c: &Client, what: &str, script: &str) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let v = c
            .execute(script, vec![])
            .await
            .unwrap_or(serde_json::Value::Null);
        if !v.is_null() && v != json!(false) {
            return v;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = std::fs::write(
                shots().join("timeout.png"),
                c.screenshot().await.unwrap_or_default(),
            );
            let problem = c
                .execute("const p=document.getElementById('problem'); const e=[...document.querySelectorAll('.err')].map(x=>x.textContent).join(' | '); return (p?p.textContent:'')+' / '+e+' / '+(document.getElementById('status')||{}).textContent", vec![])
                .await
                .unwrap_or_default();
            eprintln!("problem shown: {problem}");
            let src = c.source().await.unwrap_or_default();
            panic!(
                "timed out waiting for {what}; page:\n{}",
                &src[..src.len().min(4000)]
            );
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
}

/// Waits until the page has shown the answer to every request it sent.
async fn settled(c: &Client) {
    let js = "const w=document.getElementById('wb'); return w && w.dataset.ready !== undefined && w.dataset.idle === '1' ? true : null;";
    wait_js(c, "the page to settle", js).await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    wait_js(c, "the page to settle", js).await;
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots().join(name), png).unwrap();
}

async fn testid(c: &Client, id: &str) -> fantoccini::elements::Element {
    let sel = format!("[data-testid=\"{id}\"]");
    let start = Instant::now();
    loop {
        if let Ok(e) = c.find(Locator::Css(&sel)).await {
            return e;
        }
        if start.elapsed() > Duration::from_secs(20) {
            panic!("no element {sel}");
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
}

async fn attr(c: &Client, id: &str, a: &str) -> Option<String> {
    testid(c, id).await.attr(a).await.unwrap()
}

async fn draft(c: &Client) -> String {
    c.execute(
        "return document.querySelector('textarea[data-whole]').value",
        vec![],
    )
    .await
    .unwrap()
    .as_str()
    .unwrap()
    .to_string()
}

async fn type_into(c: &Client, id: &str, text: &str) {
    let e = testid(c, id).await;
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
    // leave the field: the change is sent at once
    c.execute(&format!("document.querySelector('[data-testid=\"{id}\"]').dispatchEvent(new Event('change', {{bubbles: true}}))"), vec![]).await.unwrap();
}

fn total_pv(kb: &soem::kb::KnowledgeBase, text: &str, iv: usize) -> f64 {
    let sc = soem::scenario::parse(Path::new("x.toml"), text, kb).unwrap();
    let c = soem::model::calculate(&sc, &sc.interventions[iv]);
    c.pv.get(soem::model::TOTAL).copied().unwrap()
}

/// A plain GET over HTTP/1.0 (the download, as a browser would fetch it).
fn http_get(addr: SocketAddr, path: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let at = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    buf[at..].to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_municipal_economist_builds_compares_saves_and_reports_in_the_browser() {
    if std::env::var("SOEM_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("SOEM_SKIP_BROWSER=1: the browser test is skipped");
        return;
    }
    let Some(driver) = chromedriver() else {
        panic!(
            "the browser tests need Chromium and its WebDriver: apt-get install chromium \
             chromium-driver (or set SOEM_SKIP_BROWSER=1 on a machine without a browser)"
        );
    };
    // the server, in-process, over a fresh workspace with the shipped scenarios
    let ws = tempfile::tempdir().unwrap();
    for name in ["cti.toml", "sammenligning.toml"] {
        std::fs::copy(root().join("scenarios").join(name), ws.path().join(name)).unwrap();
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let kb = soem::kb::KnowledgeBase::shipped().unwrap();
    let app = Arc::new(
        App::new(
            ws.path(),
            kb.clone(),
            soem::limits::Limits::default(),
            addr,
            None,
            soem::present::format::Lang::Da,
        )
        .unwrap(),
    );
    let router = api::router(app.clone());
    tokio::spawn(async move {
        let l = tokio::net::TcpListener::from_std(listener).unwrap();
        axum::serve(l, router).await.unwrap();
    });
    let base = format!("http://{addr}");

    // the browser
    let port = free_port();
    let _driver = Driver(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1500,1150"] }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let start = Instant::now();
    let c = loop {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) if start.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a Chromium session: {e}"),
        }
    };

    // 1. create a case from a target group
    c.goto(&format!("{base}/")).await.unwrap();
    testid(&c, "scenario-list").await;
    shot(&c, "01-beregninger.png").await;
    testid(&c, "target-group")
        .await
        .select_by_value("hjemloese")
        .await
        .unwrap();
    testid(&c, "new-scenario").await.click().await.unwrap();
    wait_js(&c, "the editor", "return location.pathname === '/edit/hjemloese.toml' && document.getElementById('wb') ? true : null").await;
    settled(&c).await;
    let file = std::fs::read_to_string(ws.path().join("hjemloese.toml")).unwrap();
    let pv0: f64 = attr(&c, "pv-total", "data-value")
        .await
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        pv0,
        total_pv(&kb, &file, 0),
        "the page's PV is the engine's"
    );
    shot(&c, "02-ny-beregning.png").await;

    // 2. change the success rate: the PV and the required rate follow, to the CLI's numbers
    assert_eq!(
        attr(&c, "success-rate", "data-unit").await.as_deref(),
        Some("percent")
    );
    type_into(&c, "success-rate", "30").await;
    wait_js(&c, "the new PV", &format!("const e=document.querySelector('[data-testid=pv-total]'); return e && e.dataset.value !== '{pv0}' ? e.dataset.value : null")).await;
    settled(&c).await;
    let text = draft(&c).await;
    let sc = soem::scenario::parse(Path::new("x.toml"), &text, &kb).unwrap();
    assert_eq!(sc.interventions[0].success_rate, 0.3);
    let pv: f64 = attr(&c, "pv-total", "data-value")
        .await
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(pv, total_pv(&kb, &text, 0));
    let req =
        soem::analysis::require::run(&sc, &soem::analysis::require::Target::BreakEven).unwrap();
    let want = req[0]
        .success_rate
        .get(soem::model::TOTAL)
        .copied()
        .flatten();
    let got = attr(&c, "required-rate", "data-value").await.unwrap();
    assert_eq!(got.parse::<f64>().ok(), want, "required rate");
    shot(&c, "03-succesrate.png").await;

    // an invalid value shows at its field with the engine's message
    type_into(&c, "success-rate", "140").await;
    wait_js(&c, "the inline error", "const e=document.querySelector('[data-testid=error-success-rate]'); return e && e.textContent.length ? e.textContent : null").await;
    let msg = testid(&c, "error-success-rate").await.text().await.unwrap();
    assert!(msg.contains("1.4") || msg.contains("140"), "{msg}");
    testid(&c, "results-missing").await;
    shot(&c, "04-fejl.png").await;
    type_into(&c, "success-rate", "30").await;
    wait_js(&c, "the error to go", "const e=document.querySelector('[data-testid=error-success-rate]'); return e && e.textContent === '' ? true : null").await;
    settled(&c).await;

    // 3. an own item
    c.execute("document.querySelector('[data-screen=consequences]').open = true; document.querySelector('[data-testid=own-item]').open = true;", vec![]).await.unwrap();
    for (id, v) in [
        ("own-id", "boligstoette"),
        ("own-name", "Boligstøtte"),
        ("own-unit", "måneder"),
        ("own-values", "-6; -6; -6"),
        ("own-price-kommune", "1.000"),
    ] {
        let e = testid(&c, id).await;
        e.send_keys(v).await.unwrap();
    }
    testid(&c, "own-add").await.click().await.unwrap();
    wait_js(
        &c,
        "the own item",
        "return document.querySelector('tr[data-item=boligstoette]') ? true : null",
    )
    .await;
    settled(&c).await;
    let text = draft(&c).await;
    assert!(text.contains("item = \"boligstoette\""), "{text}");
    let pv: f64 = attr(&c, "pv-total", "data-value")
        .await
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(pv, total_pv(&kb, &text, 0));
    shot(&c, "05-egen-ydelse.png").await;

    // 4. a distribution for the success rate: the interval appears, equal to soem mc's
    c.execute("document.querySelector('[data-screen=uncertainty]').open = true; const s=document.querySelector('[data-testid=dist-success-rate-kind]'); s.selectedIndex = 3; s.dispatchEvent(new Event('change', {bubbles: true}));", vec![]).await.unwrap();
    wait_js(&c, "the interval", "const e=document.querySelector('[data-testid=mc-interval]'); return e && e.dataset.low ? e.dataset.low : null").await;
    settled(&c).await;
    let text = draft(&c).await;
    assert!(text.contains("dist = \"pert\""), "{text}");
    let sc = soem::scenario::parse(Path::new("x.toml"), &text, &kb).unwrap();
    let opt = soem::analysis::mc::Options {
        draws: sc.monte_carlo.draws.min(10_000),
        seed: sc.monte_carlo.seed,
        interval: sc.monte_carlo.interval,
        confidence: None,
        by_year: false,
    };
    let mc = soem::analysis::mc::run(&sc, &kb.hash, &opt, &soem::Quiet).unwrap();
    let p = mc[0].pv.get(soem::model::TOTAL).unwrap();
    let low: f64 = attr(&c, "mc-interval", "data-low")
        .await
        .unwrap()
        .parse()
        .unwrap();
    let high: f64 = attr(&c, "mc-interval", "data-high")
        .await
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!((low, high), (p.interval[0], p.interval[1]));
    assert!(low < high);
    testid(&c, "tab-mc").await.click().await.unwrap();
    testid(&c, "panel-mc").await;
    settled(&c).await;
    shot(&c, "06-usikkerhed.png").await;
    for (tab, panel, file) in [
        ("tab-krav", "panel-krav", "06b-kravanalyse.png"),
        ("tab-tornado", "panel-tornado", "06c-tornado.png"),
        ("tab-scenarier", "heat-map", "06d-scenarier.png"),
    ] {
        testid(&c, tab).await.click().await.unwrap();
        testid(&c, panel).await;
        settled(&c).await;
        shot(&c, file).await;
    }

    // 5. save, and read the TOML back from disk
    testid(&c, "save").await.click().await.unwrap();
    wait_js(&c, "saved", "const s=document.getElementById('status'); return s && s.classList.contains('ok') ? true : null").await;
    let on_disk = std::fs::read_to_string(ws.path().join("hjemloese.toml")).unwrap();
    assert_eq!(on_disk, draft(&c).await);
    assert!(
        on_disk.starts_with("# Starting scenario for"),
        "the file's comments stay"
    );
    soem::scenario::parse(Path::new("x.toml"), &on_disk, &kb).unwrap();

    // 6. an unsaved edit survives reloading the tab
    type_into(&c, "participants", "40").await;
    wait_js(&c, "not saved", "const s=document.getElementById('status'); return s && s.classList.contains('dirty') ? true : null").await;
    settled(&c).await;
    c.refresh().await.unwrap();
    testid(&c, "discard-draft").await;
    settled(&c).await;
    let v = c
        .execute(
            "return document.querySelector('[data-testid=participants]').value",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(v, json!("40"));
    shot(&c, "07-gendannet.png").await;

    // 7. compare two interventions
    testid(&c, "add-intervention").await.click().await.unwrap();
    wait_js(
        &c,
        "a second intervention",
        "return document.querySelectorAll('nav.ivs button.iv').length === 2 ? true : null",
    )
    .await;
    settled(&c).await;
    testid(&c, "tab-sammenlign").await.click().await.unwrap();
    let pairs = testid(&c, "pairs").await.text().await.unwrap();
    assert!(!pairs.trim().is_empty());
    testid(&c, "portfolio").await;
    settled(&c).await;
    shot(&c, "08-sammenlign.png").await;

    // 8. make the report and download it
    testid(&c, "make-report").await.click().await.unwrap();
    let href = wait_js(&c, "the report links", "const a=document.querySelector('[data-testid=report-zip]'); return a ? a.getAttribute('href') : null").await;
    let zip = http_get(addr, href.as_str().unwrap());
    let z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    assert!(
        z.file_names().any(|n| n.is_ok_and(|n| n == "index.html"))
            && z.file_names().any(|n| n.is_ok_and(|n| n == "report.pdf"))
    );
    shot(&c, "09-rapport.png").await;
    let page = wait_js(&c, "the report page link", "const a=document.querySelector('[data-testid=report-page]'); return a ? a.getAttribute('href') : null").await;
    c.goto(&format!("{base}{}", page.as_str().unwrap()))
        .await
        .unwrap();
    shot(&c, "10-rapportside.png").await;
    c.back().await.unwrap();
    settled(&c).await;

    // 9. the file changed on disk meanwhile: saving refuses and offers reload or save-as
    let path = ws.path().join("hjemloese.toml");
    let changed = std::fs::read_to_string(&path).unwrap() + "\n# edited in a text editor\n";
    std::fs::write(&path, &changed).unwrap();
    testid(&c, "save").await.click().await.unwrap();
    testid(&c, "conflict-reload").await;
    testid(&c, "conflict-save-as").await;
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        changed,
        "neither version is overwritten"
    );
    shot(&c, "11-konflikt.png").await;

    // the knowledge base page
    c.goto(&format!("{base}/knowledge")).await.unwrap();
    shot(&c, "12-vidensdatabase.png").await;
    c.close().await.unwrap();
}
