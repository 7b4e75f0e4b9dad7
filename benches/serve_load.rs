//! The workbench under load (issue 15, item 3): the running server answering the page's own
//! recompute request (`POST /api/workbench`) on a shipped scenario, over real HTTP on loopback.
//!
//! `cargo bench --bench serve_load` prints p50/p95 for
//! - calc + requirement + tornado (cti.toml without its uncertainty; goal p95 ≤ 50 ms),
//! - the same with the 10,000-draw Monte Carlo (cti.toml as shipped, the Monte Carlo tab;
//!   goal p95 ≤ 250 ms),
//! - 8 clients at once × 200 recomputes each (no error; goal p95 within 2× of one client's),
//!
//! and whether each goal is met. Each request changes the success rate, as typing does.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn start_server() -> (SocketAddr, tempfile::TempDir) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let ws = tempfile::tempdir().expect("tmp");
    std::fs::copy(root.join("scenarios/cti.toml"), ws.path().join("cti.toml")).expect("copy");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    listener.set_nonblocking(true).expect("nonblocking");
    let app = Arc::new(
        soem::serve::App::new(
            ws.path(),
            soem::kb::KnowledgeBase::shipped().expect("kb"),
            soem::limits::Limits::default(),
            addr,
            None,
            soem::present::format::Lang::Da,
        )
        .expect("app"),
    );
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(listener).expect("listener");
            axum::serve(l, soem::serve::api::router(app))
                .await
                .expect("serve");
        });
    });
    (addr, ws)
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    addr: SocketAddr,
    r: BufReader<TcpStream>,
}

impl Conn {
    fn new(addr: SocketAddr) -> Conn {
        let s = TcpStream::connect(addr).expect("connect");
        s.set_nodelay(true).ok();
        Conn {
            addr,
            r: BufReader::new(s),
        }
    }

    /// POSTs `body` as JSON; returns the status.
    fn post(&mut self, path: &str, body: &str) -> u16 {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        let s = self.r.get_mut();
        s.write_all(head.as_bytes()).expect("write");
        s.write_all(body.as_bytes()).expect("write");
        let mut line = String::new();
        self.r.read_line(&mut line).expect("status line");
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let mut len = 0usize;
        loop {
            line.clear();
            self.r.read_line(&mut line).expect("header");
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut buf = vec![0u8; len];
        self.r.read_exact(&mut buf).expect("body");
        status
    }
}

fn request(toml: &str, tab: &str, i: usize, client: usize) -> String {
    // the success rate typed: 10 %, 10.5 %, … 19.5 %, each client its own hundredths
    let rate = format!("{}", 10.0 + (i % 20) as f64 * 0.5 + client as f64 * 0.01);
    serde_json::json!({
        "toml": toml, "name": "cti.toml", "tab": tab, "iv": 0, "lang": "da",
        "edits": [{ "path": ["intervention", 0, "success_rate"], "text": rate, "kind": "percent" }]
    })
    .to_string()
}

fn pct(sorted: &[Duration], q: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn run(addr: SocketAddr, toml: &str, tab: &str, n: usize, client: usize) -> (Vec<Duration>, usize) {
    let mut c = Conn::new(addr);
    let mut times = Vec::with_capacity(n);
    let mut errors = 0;
    for i in 0..n {
        let body = request(toml, tab, i, client);
        let t = Instant::now();
        if c.post("/api/workbench", &body) != 200 {
            errors += 1;
        }
        times.push(t.elapsed());
    }
    (times, errors)
}

fn show(label: &str, mut t: Vec<Duration>, goal_ms: f64) -> f64 {
    t.sort();
    let (p50, p95) = (pct(&t, 0.5), pct(&t, 0.95));
    let p95_ms = p95.as_secs_f64() * 1e3;
    println!(
        "{label:<58} n={:>5}  p50 {:>7.1} ms  p95 {:>7.1} ms  goal p95 ≤ {goal_ms:.0} ms: {}",
        t.len(),
        p50.as_secs_f64() * 1e3,
        p95_ms,
        if p95_ms <= goal_ms { "met" } else { "NOT met" }
    );
    p95_ms
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs it once, quickly
    let quick = !std::env::args().any(|a| a == "--bench");
    let n = if quick { 5 } else { 200 };
    let (addr, _ws) = start_server();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cti = std::fs::read_to_string(root.join("scenarios/cti.toml")).expect("cti");
    let fixed = match cti.find("[intervention.uncertainty]") {
        Some(at) => {
            let end = cti[at..]
                .find("\n[monte_carlo]")
                .map_or(cti.len(), |e| at + e);
            format!("{}{}", &cti[..at], &cti[end..])
        }
        None => cti.clone(),
    };
    // warm up (tables, caches, connections)
    run(addr, &cti, "mc", 10, 0);
    let (t, e) = run(addr, &fixed, "tornado", n, 0);
    assert_eq!(e, 0);
    show("calc + requirement + tornado (one client)", t, 50.0);
    let (t, e) = run(addr, &cti, "mc", n, 0);
    assert_eq!(e, 0);
    let single = show("with the 10,000-draw Monte Carlo (one client)", t, 250.0);
    let clients = 8;
    let all: Vec<(Vec<Duration>, usize)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..clients)
            .map(|k| {
                let cti = &cti;
                s.spawn(move || run(addr, cti, "mc", n, k + 1))
            })
            .collect();
        hs.into_iter().map(|h| h.join().expect("client")).collect()
    });
    let errors: usize = all.iter().map(|(_, e)| e).sum();
    let times: Vec<Duration> = all.into_iter().flat_map(|(t, _)| t).collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "8 clients × {n} recomputes: {errors} errors; {cores} cores — each answer is CPU-bound, so \
         8 at once take at least {:.1}× one client's time here",
        (clients as f64 / cores as f64).max(1.0)
    );
    show(
        "with the Monte Carlo, 8 clients at once (goal: 2× one client)",
        times,
        2.0 * single,
    );
    assert_eq!(errors, 0, "errors under load");
}
