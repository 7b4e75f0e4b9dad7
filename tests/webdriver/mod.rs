//! A small WebDriver client (W3C protocol, JSON over HTTP/1.1 on loopback) for the browser tests:
//! the dozen commands they use, blocking. Written here rather than taken from fantoccini, whose
//! `webdriver` dependency brings icu 1.5 and with it derive macros that switch on another `syn`
//! feature — which made every test build compile serde and all of polars a second time.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{Value, json};

/// The key under which WebDriver names an element.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One browser session.
pub struct Session {
    port: u16,
    id: String,
}

/// An element of the page.
#[derive(Clone)]
pub struct Element(Value);

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok();
    let body = body.map(Value::to_string).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes())
        .map_err(|e| format!("write: {e}"))?;
    // the head, then exactly the body it announces (the driver may keep the connection open)
    let mut r = std::io::BufReader::new(s);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        let n = std::io::BufRead::read_line(&mut r, &mut line).map_err(|e| format!("read: {e}"))?;
        if n == 0 || line == "\r\n" {
            break;
        }
        head += &line;
    }
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or("no status")?;
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let mut body = Vec::new();
    if let Some(n) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(n, 0);
        r.read_exact(&mut body).map_err(|e| format!("read: {e}"))?;
    } else if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut line = String::new();
            std::io::BufRead::read_line(&mut r, &mut line).map_err(|e| format!("read: {e}"))?;
            let n = usize::from_str_radix(line.trim(), 16).map_err(|e| format!("chunk: {e}"))?;
            let mut chunk = vec![0u8; n + 2];
            r.read_exact(&mut chunk).map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        r.read_to_end(&mut body).map_err(|e| format!("read: {e}"))?;
    }
    let v: Value = serde_json::from_slice(&body).map_err(|e| format!("not JSON ({e})"))?;
    Ok((status, v))
}

/// Decodes standard base64 (the screenshot).
fn base64(text: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

impl Session {
    /// A new session at the chromedriver on `port` with `capabilities` (tried for up to 20 s
    /// while the driver starts).
    pub fn start(port: u16, capabilities: Value) -> Result<Session, String> {
        let body = json!({ "capabilities": { "alwaysMatch": capabilities } });
        let mut last = String::new();
        for _ in 0..100 {
            match http(port, "POST", "/session", Some(&body)) {
                Ok((200, v)) => {
                    let id = v["value"]["sessionId"]
                        .as_str()
                        .ok_or_else(|| format!("no session id in {v}"))?
                        .to_string();
                    return Ok(Session { port, id });
                }
                Ok((status, v)) => return Err(format!("new session: {status} {v}")),
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!("chromedriver did not answer: {last}"))
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let p = format!("/session/{}{path}", self.id);
        let body = body.or_else(|| (method == "POST").then(|| json!({})));
        let (status, v) = http(self.port, method, &p, body.as_ref())?;
        if status != 200 {
            return Err(format!("{method} {path}: {status} {}", v["value"]));
        }
        Ok(v["value"].clone())
    }

    /// Opens `url`.
    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })))
            .unwrap();
    }

    /// Reloads the page.
    pub fn refresh(&self) {
        self.call("POST", "/refresh", None).unwrap();
    }

    /// Goes back one page.
    pub fn back(&self) {
        self.call("POST", "/back", None).unwrap();
    }

    /// The first element matching the CSS selector, if any.
    pub fn find(&self, css: &str) -> Option<Element> {
        self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        )
        .ok()
        .map(Element)
    }

    fn el(&self, e: &Element) -> String {
        e.0[ELEMENT].as_str().unwrap_or_default().to_string()
    }

    /// Clicks `e`.
    pub fn click(&self, e: &Element) {
        self.call("POST", &format!("/element/{}/click", self.el(e)), None)
            .unwrap();
    }

    /// Empties the input `e`.
    pub fn clear(&self, e: &Element) {
        self.call("POST", &format!("/element/{}/clear", self.el(e)), None)
            .unwrap();
    }

    /// Types `text` into `e`.
    pub fn send_keys(&self, e: &Element, text: &str) {
        self.call(
            "POST",
            &format!("/element/{}/value", self.el(e)),
            Some(json!({ "text": text })),
        )
        .unwrap();
    }

    /// The attribute `name` of `e`.
    pub fn attr(&self, e: &Element, name: &str) -> Option<String> {
        self.call(
            "GET",
            &format!("/element/{}/attribute/{name}", self.el(e)),
            None,
        )
        .unwrap()
        .as_str()
        .map(str::to_string)
    }

    /// The visible text of `e`.
    pub fn text(&self, e: &Element) -> String {
        self.call("GET", &format!("/element/{}/text", self.el(e)), None)
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs `script` in the page (`return …` gives a value).
    pub fn execute(&self, script: &str) -> Result<Value, String> {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// The page's HTML.
    pub fn source(&self) -> String {
        self.call("GET", "/source", None)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// A PNG of the window.
    pub fn screenshot(&self) -> Vec<u8> {
        self.call("GET", "/screenshot", None)
            .ok()
            .and_then(|v| v.as_str().map(base64))
            .unwrap_or_default()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = http(self.port, "DELETE", &format!("/session/{}", self.id), None);
    }
}

#[test]
fn base64_decodes() {
    assert_eq!(base64("aGVsbG8="), b"hello");
    assert_eq!(base64("iVBORw0KGgo="), b"\x89PNG\r\n\x1a\n");
}
