//! `soem serve` as a user starts it: the URL is the first line on standard output, the server
//! answers on it (loopback only), the next port is taken when the asked one is busy, and Ctrl-C
//! stops it cleanly with exit code 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(host_port: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(host_port).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {host_port}\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[cfg(unix)]
#[test]
fn the_url_comes_first_the_server_answers_and_ctrl_c_stops_it() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cti.toml"),
        ws.path().join("cti.toml"),
    )
    .unwrap();
    // the asked port is busy: the server takes the next free one
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_soem"))
        .args(["serve", "--no-open", "--port", &port.to_string()])
        .arg(ws.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let url = first.trim();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_ne!(
        url,
        format!("http://127.0.0.1:{port}/"),
        "the busy port was skipped"
    );
    let host_port = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let answer = get(&host_port, "/api/scenarios");
    assert!(
        answer.lines().next().is_some_and(|l| l.contains(" 200 ")),
        "{answer}"
    );
    assert!(answer.contains("CTI til forsorgsbrugere"));
    // Ctrl-C
    // SAFETY: kill with a child's pid and SIGINT has no memory effects.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "still running");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    drop(busy);
}
