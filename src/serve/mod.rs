//! `soem serve`: the SØM workbench in the browser (issue 15). A local HTTP server (axum on
//! tokio) over a folder of scenario files: pages that follow SØM's screens, results recomputed
//! as the user types, saves that keep a hand-written file's comments, and a JSON API that answers
//! exactly what the command line's `--format json` does.
//!
//! - [`edit`]: edits of TOML text that keep everything else (toml_edit), and number reading.
//! - [`workspace`]: the folder: names checked, atomic saves with versions, `.trash/`.
//! - [`guard`]: the safety layer every request passes (Host, token, origin, CSRF, CSP, body
//!   limit, panics as 500).
//! - [`api`]: the JSON API and the workbench's recompute endpoint.
//! - [`page`]: the pages, rendered here from the same views and words as the terminal and the
//!   report ([`crate::present`]); the browser script only sends edits and swaps fragments.

pub mod api;
pub mod edit;
pub mod guard;
pub mod page;
pub mod workspace;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use anyhow::{Context, Result};

use crate::kb::KnowledgeBase;
use crate::limits::Limits;
use crate::present::format::Lang;
use workspace::Workspace;

/// The port tried first.
pub const DEFAULT_PORT: u16 = 8421;

/// The largest request body accepted (a scenario file, an edit): 4 MiB.
pub const MAX_BODY: usize = 4 << 20;

/// What the server needs to answer requests.
pub struct App {
    /// The scenario folder.
    pub ws: Workspace,
    /// The knowledge base every calculation uses.
    pub kb: Arc<KnowledgeBase>,
    /// The limits scenarios are checked against.
    pub limits: Limits,
    /// `Host` header values accepted (the served address; `localhost:PORT` too on loopback).
    pub hosts: Vec<String>,
    /// The token every request must carry (`?token=`, the cookie it sets, or
    /// `Authorization: Bearer`), when the server listens beyond loopback.
    pub token: Option<String>,
    /// The page's CSRF token (new at every start).
    pub csrf: String,
    /// The language when a page does not ask for one.
    pub lang: Lang,
    /// Where made reports are kept while the server runs.
    pub reports: PathBuf,
    /// Counter of made reports.
    pub report_seq: AtomicU64,
}

impl App {
    /// An app over `dir` for the address `addr` (used for the Host check).
    pub fn new(
        dir: &std::path::Path,
        kb: KnowledgeBase,
        limits: Limits,
        addr: SocketAddr,
        token: Option<String>,
        lang: Lang,
    ) -> Result<App> {
        let ws = Workspace::open(dir)?;
        let mut hosts = vec![host_port(addr.ip(), addr.port())];
        if addr.ip().is_loopback() {
            hosts.push(format!("localhost:{}", addr.port()));
        }
        let reports = std::env::temp_dir().join(format!(
            "soem-serve-{}-{}",
            std::process::id(),
            random_token()
        ));
        Ok(App {
            ws,
            kb: Arc::new(kb),
            limits,
            hosts,
            token,
            csrf: random_token(),
            lang,
            reports,
            report_seq: AtomicU64::new(0),
        })
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.reports);
    }
}

fn host_port(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
        IpAddr::V4(v4) => format!("{v4}:{port}"),
    }
}

/// 128 random bits as hex, from the operating system (time and process id where it has none).
pub fn random_token() -> String {
    let mut b = [0u8; 16];
    let ok = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut b))
        .is_ok();
    if !ok {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let h1 = crate::kb::fnv1a(crate::kb::FNV_START, &t.to_le_bytes());
        let h2 = crate::kb::fnv1a(h1, &std::process::id().to_le_bytes());
        b[..8].copy_from_slice(&h1.to_le_bytes());
        b[8..].copy_from_slice(&h2.to_le_bytes());
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// `soem serve`'s options.
#[derive(Debug, Clone)]
pub struct Options {
    /// The scenario folder.
    pub dir: PathBuf,
    /// The address to listen on.
    pub host: IpAddr,
    /// The port tried first (the next free ones after it).
    pub port: u16,
    /// The token, when given.
    pub token: Option<String>,
    /// Open the browser.
    pub open: bool,
    /// Default language.
    pub lang: Lang,
}

/// Binds `host` at `port` or the next free port (20 tried).
fn bind(host: IpAddr, port: u16) -> Result<std::net::TcpListener> {
    let mut last = None;
    for p in port..port.saturating_add(20) {
        match std::net::TcpListener::bind(SocketAddr::new(host, p)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
        if port == 0 {
            break;
        }
    }
    Err(last.map_or_else(
        || anyhow::anyhow!("no port to try"),
        |e| anyhow::anyhow!("cannot listen on {host} ports {port}–{}: {e}", port + 19),
    ))
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    // a missing opener is not an error: the URL is printed
    let _ = std::process::Command::new(cmd)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// Runs the server until Ctrl-C. The URL is the first line on standard output.
pub fn run(opt: &Options, kb: KnowledgeBase, limits: Limits) -> Result<()> {
    let token = match (&opt.token, opt.host.is_loopback()) {
        (Some(t), _) => Some(t.clone()),
        (None, false) => Some(random_token()),
        (None, true) => None,
    };
    let listener = bind(opt.host, opt.port)?;
    let addr = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let app = Arc::new(App::new(
        &opt.dir,
        kb,
        limits,
        addr,
        token.clone(),
        opt.lang,
    )?);
    let mut url = format!("http://{}/", host_port(addr.ip(), addr.port()));
    if let Some(t) = &token {
        url += &format!("?token={t}");
    }
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{url}")?;
        writeln!(
            out,
            "{} {} — Ctrl-C stopper / stops",
            opt.lang.t("Arbejdsmappe:", "Workspace:"),
            app.ws.dir().display()
        )?;
        out.flush()?;
    }
    use std::io::IsTerminal;
    if opt.open && std::io::stdout().is_terminal() {
        open_browser(&url);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, api::router(app))
            .with_graceful_shutdown(async {
                // the command line's Ctrl-C flag (crate::cli::interrupt) is the signal
                while !crate::cli::interrupt::requested() {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            })
            .await
            .context("serving")
    })?;
    Ok(())
}
