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

mod webdriver;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use soem::serve::{App, api};
use webdriver::{Element, Session};

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

/// Polls `script` until it returns something other than null or false (20 s at most).
fn wait_js(c: &Session, what: &str, script: &str) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let v = c.execute(script).unwrap_or(serde_json::Value::Null);
        if !v.is_null() && v != json!(false) {
            return v;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = std::fs::write(shots().join("timeout.png"), c.screenshot());
            let problem = c
                .execute(
                    "const p=document.getElementById('problem'); \
                     const e=[...document.querySelectorAll('.err')].map(x=>x.textContent).join(' | '); \
                     return (p?p.textContent:'')+' / '+e+' / '+(document.getElementById('status')||{}).textContent",
                )
                .unwrap_or_default();
            eprintln!("problem shown: {problem}");
            let src = c.source();
            panic!(
                "timed out waiting for {what}; page:\n{}",
                &src[..src.len().min(4000)]
            );
        }
        std::thread::sleep(Duration::from_millis(60));
    }
}

/// Waits until the page has shown the answer to every request it sent.
fn settled(c: &Session) {
    let js = "const w=document.getElementById('wb'); \
              return w && w.dataset.ready !== undefined && w.dataset.idle === '1' ? true : null;";
    wait_js(c, "the page to settle", js);
    std::thread::sleep(Duration::from_millis(250));
    wait_js(c, "the page to settle", js);
}

fn shot(c: &Session, name: &str) {
    std::fs::write(shots().join(name), c.screenshot()).unwrap();
}

fn testid(c: &Session, id: &str) -> Element {
    let sel = format!("[data-testid=\"{id}\"]");
    let start = Instant::now();
    loop {
        if let Some(e) = c.find(&sel) {
            return e;
        }
        if start.elapsed() > Duration::from_secs(20) {
            panic!("no element {sel}");
        }
        std::thread::sleep(Duration::from_millis(60));
    }
}

fn attr(c: &Session, id: &str, a: &str) -> Option<String> {
    c.attr(&testid(c, id), a)
}

fn click(c: &Session, id: &str) {
    c.click(&testid(c, id));
}

fn draft(c: &Session) -> String {
    c.execute("return document.querySelector('textarea[data-whole]').value")
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

fn type_into(c: &Session, id: &str, text: &str) {
    let e = testid(c, id);
    c.clear(&e);
    c.send_keys(&e, text);
    // leave the field: the change is sent at once
    c.execute(&format!(
        "document.querySelector('[data-testid=\"{id}\"]').dispatchEvent(new Event('change', {{bubbles: true}}))"
    ))
    .unwrap();
}

fn number(c: &Session, id: &str, a: &str) -> f64 {
    attr(c, id, a)
        .unwrap_or_else(|| panic!("{id} has no {a}"))
        .parse()
        .unwrap()
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

#[test]
fn a_municipal_economist_builds_compares_saves_and_reports_in_the_browser() {
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
    // the server, in-process, over a fresh workspace with two shipped scenarios
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
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(l, router).await.unwrap();
        });
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
    let c = Session::start(
        port,
        json!({ "goog:chromeOptions": { "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=1500,1150"
        ] } }),
    )
    .unwrap_or_else(|e| panic!("cannot start a Chromium session: {e}"));

    // 1. create a case from a target group
    c.goto(&format!("{base}/"));
    testid(&c, "scenario-list");
    shot(&c, "01-beregninger.png");
    c.execute("const s=document.querySelector('[data-testid=target-group]'); s.value='hjemloese';")
        .unwrap();
    click(&c, "new-scenario");
    wait_js(
        &c,
        "the editor",
        "return location.pathname === '/edit/hjemloese.toml' && document.getElementById('wb') ? true : null",
    );
    settled(&c);
    let file = std::fs::read_to_string(ws.path().join("hjemloese.toml")).unwrap();
    let pv0 = number(&c, "pv-total", "data-value");
    assert_eq!(
        pv0,
        total_pv(&kb, &file, 0),
        "the page's PV is the engine's"
    );
    shot(&c, "02-ny-beregning.png");

    // 2. change the success rate: the PV and the required rate follow, to the CLI's numbers
    assert_eq!(
        attr(&c, "success-rate", "data-unit").as_deref(),
        Some("percent")
    );
    type_into(&c, "success-rate", "30");
    wait_js(
        &c,
        "the new PV",
        &format!(
            "const e=document.querySelector('[data-testid=pv-total]'); return e && e.dataset.value !== '{pv0}' ? e.dataset.value : null"
        ),
    );
    settled(&c);
    let text = draft(&c);
    let sc = soem::scenario::parse(Path::new("x.toml"), &text, &kb).unwrap();
    assert_eq!(sc.interventions[0].success_rate, 0.3);
    assert_eq!(
        number(&c, "pv-total", "data-value"),
        total_pv(&kb, &text, 0)
    );
    let req =
        soem::analysis::require::run(&sc, &soem::analysis::require::Target::BreakEven).unwrap();
    let want = req[0]
        .success_rate
        .get(soem::model::TOTAL)
        .copied()
        .flatten();
    let got = attr(&c, "required-rate", "data-value").unwrap();
    assert_eq!(got.parse::<f64>().ok(), want, "required rate");
    shot(&c, "03-succesrate.png");

    // an invalid value shows at its field with the engine's message
    type_into(&c, "success-rate", "140");
    wait_js(
        &c,
        "the inline error",
        "const e=document.querySelector('[data-testid=error-success-rate]'); return e && e.textContent.length ? e.textContent : null",
    );
    let msg = c.text(&testid(&c, "error-success-rate"));
    assert!(msg.contains("1.4") || msg.contains("140"), "{msg}");
    testid(&c, "results-missing");
    shot(&c, "04-fejl.png");
    type_into(&c, "success-rate", "30");
    wait_js(
        &c,
        "the error to go",
        "const e=document.querySelector('[data-testid=error-success-rate]'); return e && e.textContent === '' ? true : null",
    );
    settled(&c);

    // 3. an own item
    c.execute(
        "document.querySelector('[data-screen=consequences]').open = true; \
         document.querySelector('[data-testid=own-item]').open = true;",
    )
    .unwrap();
    for (id, v) in [
        ("own-id", "boligstoette"),
        ("own-name", "Boligstøtte"),
        ("own-unit", "måneder"),
        ("own-values", "-6; -6; -6"),
        ("own-price-kommune", "1.000"),
    ] {
        let e = testid(&c, id);
        c.send_keys(&e, v);
    }
    click(&c, "own-add");
    wait_js(
        &c,
        "the own item",
        "return document.querySelector('tr[data-item=boligstoette]') ? true : null",
    );
    settled(&c);
    let text = draft(&c);
    assert!(text.contains("item = \"boligstoette\""), "{text}");
    assert_eq!(
        number(&c, "pv-total", "data-value"),
        total_pv(&kb, &text, 0)
    );
    shot(&c, "05-egen-ydelse.png");

    // 4. a distribution for the success rate: the interval appears, equal to soem mc's
    c.execute(
        "document.querySelector('[data-screen=uncertainty]').open = true; \
         const s=document.querySelector('[data-testid=dist-success-rate-kind]'); \
         s.selectedIndex = 3; s.dispatchEvent(new Event('change', {bubbles: true}));",
    )
    .unwrap();
    wait_js(
        &c,
        "the interval",
        "const e=document.querySelector('[data-testid=mc-interval]'); return e && e.dataset.low ? e.dataset.low : null",
    );
    settled(&c);
    let text = draft(&c);
    assert!(text.contains("dist = \"pert\""), "{text}");
    let sc = soem::scenario::parse(Path::new("x.toml"), &text, &kb).unwrap();
    let opt = soem::analysis::mc::Options {
        draws: sc.monte_carlo.draws.min(10_000),
        seed: sc.monte_carlo.seed,
        interval: sc.monte_carlo.interval,
        confidence: None,
        by_year: false,
        at_least: None,
        sensitivity: false,
        decision_key: None,
        sampling: None,
        auto: None,
    };
    let mc = soem::analysis::mc::run(&sc, &kb.hash, &opt, &soem::Quiet).unwrap();
    let p = mc[0].pv.get(soem::model::TOTAL).unwrap();
    let low = number(&c, "mc-interval", "data-low");
    let high = number(&c, "mc-interval", "data-high");
    assert_eq!((low, high), (p.interval[0], p.interval[1]));
    assert!(low < high);
    for (tab, panel, file) in [
        ("tab-mc", "panel-mc", "06-usikkerhed.png"),
        ("tab-krav", "panel-krav", "06b-kravanalyse.png"),
        ("tab-tornado", "panel-tornado", "06c-tornado.png"),
        ("tab-scenarier", "heat-map", "06d-scenarier.png"),
    ] {
        click(&c, tab);
        testid(&c, panel);
        settled(&c);
        if tab == "tab-mc" {
            // the risk profile's sentence from the same draws, and what knowing more is worth
            let zero = soem::analysis::mc::AtLeast {
                amount: 0.0,
                p: p.p_positive,
            };
            let want = soem::present::words::at_least(&zero, soem::present::format::Lang::Da);
            assert_eq!(c.text(&testid(&c, "at-least")), want);
            let voi = c.text(&testid(&c, "value-of-information"));
            assert!(voi.contains("Beslutningen i dag"), "{voi}");
        }
        shot(&c, file);
    }

    // 5. save, and read the TOML back from disk
    click(&c, "save");
    wait_js(
        &c,
        "saved",
        "const s=document.getElementById('status'); return s && s.classList.contains('ok') ? true : null",
    );
    let on_disk = std::fs::read_to_string(ws.path().join("hjemloese.toml")).unwrap();
    assert_eq!(on_disk, draft(&c));
    assert!(
        on_disk.starts_with("# Startscenarie for"),
        "the file's comments stay"
    );
    soem::scenario::parse(Path::new("x.toml"), &on_disk, &kb).unwrap();

    // 6. an unsaved edit survives reloading the tab
    type_into(&c, "participants", "40");
    wait_js(
        &c,
        "not saved",
        "const s=document.getElementById('status'); return s && s.classList.contains('dirty') ? true : null",
    );
    settled(&c);
    c.refresh();
    testid(&c, "discard-draft");
    settled(&c);
    let v = c
        .execute("return document.querySelector('[data-testid=participants]').value")
        .unwrap();
    assert_eq!(v, json!("40"));
    shot(&c, "07-gendannet.png");

    // 7. compare two interventions
    click(&c, "add-intervention");
    wait_js(
        &c,
        "a second intervention",
        "return document.querySelectorAll('nav.ivs button.iv').length === 2 ? true : null",
    );
    settled(&c);
    click(&c, "tab-sammenlign");
    let pairs = c.text(&testid(&c, "pairs"));
    assert!(!pairs.trim().is_empty());
    testid(&c, "portfolio");
    settled(&c);
    shot(&c, "08-sammenlign.png");

    // 8. make the report and download it
    click(&c, "make-report");
    let href = wait_js(
        &c,
        "the report links",
        "const a=document.querySelector('[data-testid=report-zip]'); return a ? a.getAttribute('href') : null",
    );
    let zip = http_get(addr, href.as_str().unwrap());
    let z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let has = |name: &str| z.file_names().any(|n| n.is_ok_and(|n| n == name));
    assert!(has("index.html") && has("report.pdf") && has("summary.json"));
    shot(&c, "09-rapport.png");
    let page = wait_js(
        &c,
        "the report page link",
        "const a=document.querySelector('[data-testid=report-page]'); return a ? a.getAttribute('href') : null",
    );
    c.goto(&format!("{base}{}", page.as_str().unwrap()));
    shot(&c, "10-rapportside.png");
    c.back();
    settled(&c);

    // 9. the file changed on disk meanwhile: saving refuses and offers reload or save-as
    let path = ws.path().join("hjemloese.toml");
    let changed = std::fs::read_to_string(&path).unwrap() + "\n# edited in a text editor\n";
    std::fs::write(&path, &changed).unwrap();
    click(&c, "save");
    testid(&c, "conflict-reload");
    testid(&c, "conflict-save-as");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        changed,
        "neither version is overwritten"
    );
    shot(&c, "11-konflikt.png");

    // the knowledge base page
    c.goto(&format!("{base}/knowledge"));
    shot(&c, "12-vidensdatabase.png");
}
