//! The safety layer every request passes, in one place:
//! - the `Host` header must be the served address (a DNS-rebinding page gets 421);
//! - beyond loopback, the token on every request (`?token=` — which sets a cookie for the page's
//!   own requests —, the cookie, or `Authorization: Bearer`);
//! - a request from another site (`Origin` or `Sec-Fetch-Site` says so) is refused unless it is a
//!   plain `GET`;
//! - state-changing requests (`PUT`, `DELETE`, `POST /api/scenarios…`) need the page's CSRF token
//!   in `X-CSRF-Token` (every API `GET` answers it in that header, and the page carries it in a
//!   `<meta name="csrf-token">`). The computing `POST`s change nothing and take only
//!   `application/toml` or `application/json`, which a cross-site form cannot send;
//! - every answer carries a Content-Security-Policy that forbids loads from elsewhere, and
//!   `nosniff`;
//! - a panic in a handler becomes a 500 with a JSON message (no stack trace is ever sent).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;

use super::App;

/// The Content-Security-Policy of every answer.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                       img-src 'self' data:; font-src 'self'; connect-src 'self'; \
                       form-action 'self'; base-uri 'none'; frame-ancestors 'self'";

/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The cookie that carries the token after the first `?token=` visit.
pub const TOKEN_COOKIE: &str = "soem_token";

/// A JSON error answer `{ "error": message }`.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": message.into() })),
    )
        .into_response()
}

fn cookie<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn query_token(req: &Request) -> Option<String> {
    let q = req.uri().query()?;
    url::form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

/// Compares without an early exit on the first differing byte.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether the request changes files (and so needs the CSRF token).
fn changes_state(req: &Request) -> bool {
    match *req.method() {
        Method::GET | Method::HEAD | Method::OPTIONS => false,
        Method::POST => req.uri().path().starts_with("/api/scenarios"),
        _ => true,
    }
}

/// The middleware.
pub async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let mut resp = match check(&app, &req) {
        Err(r) => r,
        Ok(set_cookie) => {
            let is_api_get = req.method() == Method::GET && req.uri().path().starts_with("/api/");
            let run = std::panic::AssertUnwindSafe(next.run(req)).catch_unwind();
            let mut r = match run.await {
                Ok(r) => r,
                Err(_) => error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error: the server could not answer this request (it keeps running; \
                     please report what you did)",
                ),
            };
            if is_api_get && let Ok(v) = HeaderValue::from_str(&app.csrf) {
                r.headers_mut().insert(CSRF_HEADER, v);
            }
            if let Some(t) = set_cookie
                && let Ok(v) = HeaderValue::from_str(&format!(
                    "{TOKEN_COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict"
                ))
            {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            r
        }
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    resp
}

/// The checks; `Ok(Some(token))` when the token came in the query and the cookie is to be set.
fn check(app: &App, req: &Request) -> Result<Option<String>, Response> {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !app.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return Err(error(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "this server answers requests for {} only (Host: {host:?})",
                app.hosts.join(" or ")
            ),
        ));
    }
    let mut set_cookie = None;
    if let Some(want) = &app.token {
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_string);
        let from_query = query_token(req);
        let given = bearer
            .clone()
            .or_else(|| cookie(req, TOKEN_COOKIE).map(str::to_string))
            .or_else(|| from_query.clone());
        match given {
            Some(t) if same(&t, want) => {
                if from_query.is_some() && bearer.is_none() {
                    set_cookie = Some(t);
                }
            }
            _ => {
                return Err(error(
                    StatusCode::UNAUTHORIZED,
                    "this server needs its token: open the URL it printed (with ?token=…) or \
                     send Authorization: Bearer <token>",
                ));
            }
        }
    }
    let simple = matches!(*req.method(), Method::GET | Method::HEAD);
    if !simple {
        let cross_site = req
            .headers()
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site");
        let origin_ok = match req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
        {
            None => true,
            Some(o) => app
                .hosts
                .iter()
                .any(|h| o.eq_ignore_ascii_case(&format!("http://{h}"))),
        };
        if cross_site || !origin_ok {
            return Err(error(
                StatusCode::FORBIDDEN,
                "requests from other sites are refused",
            ));
        }
    }
    if changes_state(req) {
        let ok = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| same(t, &app.csrf));
        if !ok {
            return Err(error(
                StatusCode::FORBIDDEN,
                "missing or wrong X-CSRF-Token header: take the token from the X-CSRF-Token \
                 header of any GET /api/… answer (or the page's <meta name=\"csrf-token\">)",
            ));
        }
    }
    if !simple && req.method() == Method::POST && !changes_state(req) {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let ct = ct.split(';').next().unwrap_or("").trim();
        if !matches!(ct, "application/toml" | "application/json") {
            return Err(error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "send the scenario as Content-Type: application/toml (got {:?})",
                    if ct.is_empty() { "none" } else { ct }
                ),
            ));
        }
    }
    Ok(set_cookie)
}

/// A body for a 404.
pub fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "no such page or endpoint")
}
