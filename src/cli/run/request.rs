//! `wzt run --request`: one request in-process, and the request-shaped flags.

use std::io::Write as _;

use serde::Serialize;

use super::super::output;
use super::super::{Ctx, Outcome};
use super::Opts;
use crate::host::runner::Runner;

/// `wzt run --request --json`'s object (field names are stable: README).
#[derive(Serialize)]
struct ResponseJson<'a> {
    status: u16,
    headers: &'a [(String, String)],
    body: std::borrow::Cow<'a, str>,
    body_error: Option<&'a str>,
}

/// Sends `request` (with `--header`s and `--data`) and prints the response: its body on
/// stdout (after the status line and headers with `--include`), or the JSON object. 2xx and
/// 3xx are a success.
pub(super) async fn one_request(
    opts: &Opts,
    ctx: &Ctx,
    runner: &Runner,
    request: &RequestLine,
) -> anyhow::Result<Outcome> {
    let headers: Vec<(String, String)> = opts
        .headers
        .iter()
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect();
    let body = match opts.data.as_deref() {
        Some(d) => bytes::Bytes::from(output::data_arg(d)?),
        None => bytes::Bytes::new(),
    };
    let response = runner
        .request(&request.method, &request.path, &headers, body)
        .await?;
    let ok = (200..400).contains(&response.status) && response.body_error.is_none();
    if ctx.json {
        output::print_json(&ResponseJson {
            status: response.status,
            headers: &response.headers,
            body: String::from_utf8_lossy(&response.body),
            body_error: response.body_error.as_deref(),
        });
    } else {
        // What the actor sent is escaped on a terminal, and byte for byte when piped.
        let mut out = std::io::stdout().lock();
        if opts.include {
            let mut head = format!("HTTP/1.1 {}\n", status_line(response.status));
            for (k, v) in &response.headers {
                head.push_str(&format!("{k}: {v}\n"));
            }
            head.push('\n');
            output::write_body(&mut out, head.as_bytes())?;
        }
        output::write_body(&mut out, &response.body)?;
        out.flush()?;
        if let Some(e) = &response.body_error {
            eprintln!("wzt: {e}");
        } else if !ok && !opts.include {
            eprintln!("wzt: HTTP {}", status_line(response.status));
        }
    }
    Ok(if ok {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}

fn status_line(status: u16) -> String {
    match hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// `--request 'METHOD /PATH'` (or just `/PATH` for GET).
#[derive(Debug, Clone)]
pub(super) struct RequestLine {
    method: String,
    path: String,
}

impl std::str::FromStr for RequestLine {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut words = s.split_whitespace();
        let (method, path) = match (words.next(), words.next(), words.next()) {
            (Some(path), None, None) if path.starts_with('/') => ("GET", path),
            (Some(method), Some(path), None) if path.starts_with('/') => (method, path),
            _ => return Err("expected 'METHOD /PATH', e.g. 'GET /'".into()),
        };
        Ok(RequestLine {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
        })
    }
}

/// `--header K:V`.
#[derive(Debug, Clone)]
pub(super) struct Header {
    name: String,
    value: String,
}

impl std::str::FromStr for Header {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() => Ok(Header {
                name: k.trim().to_string(),
                value: v.trim().to_string(),
            }),
            _ => Err("expected K:V".into()),
        }
    }
}

/// `--message SUBJECT=PAYLOAD`.
#[derive(Debug, Clone)]
pub(super) struct Message {
    pub(super) subject: String,
    pub(super) payload: String,
}

impl std::str::FromStr for Message {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((subject, payload)) if !subject.is_empty() => Ok(Message {
                subject: subject.to_string(),
                payload: payload.to_string(),
            }),
            _ => Err("expected SUBJECT=PAYLOAD".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_headers_and_messages_parse() {
        let r: RequestLine = "post /items".parse().unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/items"));
        let r: RequestLine = "/".parse().unwrap();
        assert_eq!(r.method, "GET");
        assert!("GET".parse::<RequestLine>().is_err());
        assert!("GET / extra".parse::<RequestLine>().is_err());
        let h: Header = "x-a: b:c".parse().unwrap();
        assert_eq!((h.name.as_str(), h.value.as_str()), ("x-a", "b:c"));
        assert!(":v".parse::<Header>().is_err());
        let m: Message = "greet=hi=there".parse().unwrap();
        assert_eq!(
            (m.subject.as_str(), m.payload.as_str()),
            ("greet", "hi=there")
        );
        assert!("=x".parse::<Message>().is_err());
    }
}
