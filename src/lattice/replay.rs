//! The replay check: each token id is claimed once. Lattice-wide, by a create-only put of the
//! `jti` into a JetStream key-value bucket of the lattice (the put that loses the race means
//! `replayed`, on whichever host); without JetStream, per host, in a bounded set of the ids
//! seen within their validity.
//!
//! The bucket is a plain JetStream key-value bucket (stream `KV_<bucket>`, subjects
//! `$KV.<bucket>.>`, one message per key), driven through the JetStream API subjects directly
//! rather than async-nats's JetStream layer, whose response types do not parse the answers of
//! older servers (Debian's nats-server 2.9). A create-only put is a publish to
//! `$KV.<bucket>.<jti>` with `Nats-Expected-Last-Subject-Sequence: 0`: the server stores it
//! only when the key holds nothing, else answers error 10071 (wrong last sequence).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_nats::HeaderMap;
use bytes::Bytes;

use super::{LEEWAY_SECS, LatticeRejection, MAX_LIFETIME_SECS};

/// How many token ids the local set remembers at most. Ids are forgotten once their token has
/// expired (plus the leeway); when the set is full of live ids, new tokens are refused
/// (`replay_unchecked`) rather than accepted unchecked.
pub const MAX_LOCAL_IDS: usize = 200_000;

/// How long the lattice-wide bucket keeps an id: the longest token lifetime, and the leeway on
/// both sides (a token may arrive `LEEWAY` before its `iat` and is accepted until `exp + LEEWAY`).
pub const BUCKET_TTL: Duration = Duration::from_secs(MAX_LIFETIME_SECS + 2 * LEEWAY_SECS);

/// How long one JetStream API call may take.
const JS_TIMEOUT: Duration = Duration::from_secs(5);

/// JetStream's error code for "wrong last sequence": the key already holds a value.
const JS_WRONG_LAST_SEQUENCE: u64 = 10071;
/// JetStream's error code for "stream name already in use with a different configuration".
const JS_STREAM_NAME_IN_USE: u64 = 10058;

/// Where token ids are claimed.
pub enum ReplayGuard {
    /// A JetStream key-value bucket shared by every host of the lattice.
    JetStream {
        bucket: String,
        client: async_nats::Client,
    },
    /// This process only: a replay delivered to another host of the same queue group is not
    /// caught.
    Local(Mutex<SeenIds>),
}

/// The `error` object of a JetStream API answer, if it has one.
fn js_error(answer: &serde_json::Value) -> Option<(u64, String)> {
    let error = answer.get("error")?;
    Some((
        error.get("err_code").and_then(|c| c.as_u64()).unwrap_or(0),
        error
            .get("description")
            .and_then(|d| d.as_str())
            .unwrap_or("an error")
            .to_string(),
    ))
}

/// Why the lattice-wide replay check could not be set up.
#[derive(Debug)]
pub enum ReplaySetupError {
    /// The server has no JetStream (no answer from its API): a per-host check may stand in.
    NoJetStream(String),
    /// JetStream is there, but the bucket cannot be trusted or made: the host must not start.
    Refused(String),
}

/// The most the replay bucket may hold on the server.
const MAX_BUCKET_BYTES: u64 = 256 << 20;

/// An existing replay bucket is trusted only with settings that keep every id for the tokens'
/// whole life and refuse purges, rollups and deletes; otherwise a host refuses to start (an
/// attacker who made it first, or weakened it, would get replays through).
fn check_existing(bucket: &str, info: &serde_json::Value) -> Result<(), String> {
    let config = info
        .get("config")
        .ok_or_else(|| format!("JetStream gave no settings for the stream KV_{bucket}"))?;
    let flag = |name: &str| config.get(name).and_then(|v| v.as_bool()).unwrap_or(false);
    let number = |name: &str| config.get(name).and_then(|v| v.as_i64()).unwrap_or(0);
    let subjects: Vec<&str> = config
        .get("subjects")
        .and_then(|s| s.as_array())
        .map(|a| a.iter().filter_map(|s| s.as_str()).collect())
        .unwrap_or_default();
    let mut problems = Vec::new();
    if subjects != [format!("$KV.{bucket}.>").as_str()] {
        problems.push("its subjects are not the bucket's".to_string());
    }
    if !flag("deny_purge") || !flag("deny_delete") || flag("allow_rollup_hdrs") {
        problems.push("it can be purged, rolled up or have entries deleted".to_string());
    }
    if number("max_age") < BUCKET_TTL.as_nanos() as i64 {
        problems.push(format!(
            "it keeps entries less than {} s",
            BUCKET_TTL.as_secs()
        ));
    }
    if number("max_msgs_per_subject") != 1
        || config.get("discard").and_then(|d| d.as_str()) != Some("new")
    {
        problems.push("it does not refuse a second entry for an id".to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the replay bucket's stream KV_{bucket} already exists with settings wzt cannot trust ({}); delete it (`nats stream rm KV_{bucket}`) and restrict the JetStream API to the lattice's hosts",
            problems.join("; ")
        ))
    }
}

async fn js_request(
    client: &async_nats::Client,
    subject: String,
    headers: HeaderMap,
    payload: Bytes,
) -> Result<serde_json::Value, String> {
    let answer = tokio::time::timeout(
        JS_TIMEOUT,
        client.request_with_headers(subject, headers, payload),
    )
    .await
    .map_err(|_| format!("JetStream did not answer in {JS_TIMEOUT:?}"))?
    .map_err(|e| e.to_string())?;
    serde_json::from_slice(&answer.payload)
        .map_err(|e| format!("JetStream answered something that is not JSON: {e}"))
}

impl ReplayGuard {
    /// A local, per-process guard.
    pub fn local() -> ReplayGuard {
        ReplayGuard::Local(Mutex::new(SeenIds::default()))
    }

    /// The lattice-wide guard: creates (or finds) the bucket `wzt_replay_<lattice>`. Fails when
    /// the server has no JetStream; the caller decides whether to fall back to [`local`].
    ///
    /// [`local`]: ReplayGuard::local
    pub async fn jetstream(
        client: &async_nats::Client,
        lattice: &str,
    ) -> Result<ReplayGuard, ReplaySetupError> {
        let bucket = bucket_name(lattice);
        let config = serde_json::json!({
            "name": format!("KV_{bucket}"),
            "description": "wzt lattice token ids (replay check)",
            "subjects": [format!("$KV.{bucket}.>")],
            "retention": "limits",
            "max_consumers": -1,
            "max_msgs": -1,
            // Bounded: a client flooding the bucket fills this, not the server's disk.
            "max_bytes": MAX_BUCKET_BYTES,
            "max_age": BUCKET_TTL.as_nanos() as u64,
            "max_msgs_per_subject": 1,
            "max_msg_size": 128,
            "storage": "file",
            "discard": "new",
            "num_replicas": 1,
            "duplicate_window": 10_000_000_000u64,
            "deny_delete": true,
            // A purge or a rollup message would forget the ids seen so far.
            "deny_purge": true,
            "allow_rollup_hdrs": false,
            "allow_direct": true,
        });
        let answer = js_request(
            client,
            format!("$JS.API.STREAM.CREATE.KV_{bucket}"),
            HeaderMap::new(),
            Bytes::from(config.to_string()),
        )
        .await
        .map_err(ReplaySetupError::NoJetStream)?;
        match js_error(&answer) {
            None => {}
            // Made before (by another host, or by someone else): used only when its settings
            // still keep every id for the tokens' whole life and cannot be wiped.
            Some((JS_STREAM_NAME_IN_USE, _)) => {
                let info = js_request(
                    client,
                    format!("$JS.API.STREAM.INFO.KV_{bucket}"),
                    HeaderMap::new(),
                    Bytes::new(),
                )
                .await
                .map_err(ReplaySetupError::Refused)?;
                check_existing(&bucket, &info).map_err(ReplaySetupError::Refused)?;
            }
            // JetStream is there but will not make the bucket (a stream over the same
            // subjects, say): refused, never a quiet fall back to a per-host check.
            Some((code, why)) => {
                return Err(ReplaySetupError::Refused(format!(
                    "JetStream error {code} creating the replay bucket: {why}"
                )));
            }
        }
        Ok(ReplayGuard::JetStream {
            bucket,
            client: client.clone(),
        })
    }

    /// What this guard is, for the startup block.
    pub fn describe(&self) -> String {
        match self {
            ReplayGuard::JetStream { bucket, .. } => {
                format!("lattice-wide (JetStream key-value bucket {bucket})")
            }
            ReplayGuard::Local(_) => "this host only (no JetStream)".into(),
        }
    }

    /// Whether the check covers the whole lattice.
    pub fn is_lattice_wide(&self) -> bool {
        matches!(self, ReplayGuard::JetStream { .. })
    }

    /// Claims `jti` (already checked to be a token id) for a token valid until `exp`.
    pub async fn claim(
        &self,
        jti: &str,
        host: &str,
        exp: u64,
        now: u64,
    ) -> Result<(), LatticeRejection> {
        match self {
            ReplayGuard::Local(seen) => {
                seen.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .claim(jti, exp + LEEWAY_SECS, now)
            }
            ReplayGuard::JetStream { bucket, client } => {
                let mut headers = HeaderMap::new();
                headers.insert("Nats-Expected-Last-Subject-Sequence", "0");
                let answer = js_request(
                    client,
                    format!("$KV.{bucket}.{jti}"),
                    headers,
                    Bytes::from(host.to_string()),
                )
                .await
                .map_err(LatticeRejection::ReplayUnchecked)?;
                match js_error(&answer) {
                    None if answer.get("seq").is_some() => Ok(()),
                    None => Err(LatticeRejection::ReplayUnchecked(format!(
                        "JetStream answered without a sequence: {answer}"
                    ))),
                    Some((JS_WRONG_LAST_SEQUENCE, _)) => {
                        Err(LatticeRejection::Replayed(jti.to_string()))
                    }
                    Some((code, why)) => Err(LatticeRejection::ReplayUnchecked(format!(
                        "JetStream error {code}: {why}"
                    ))),
                }
            }
        }
    }
}

/// The bucket of a lattice (lattice names are `[A-Za-z0-9_-]`, valid in bucket names).
pub fn bucket_name(lattice: &str) -> String {
    format!("wzt_replay_{lattice}")
}

/// Token ids seen, each with the time after which it can be forgotten.
#[derive(Default)]
pub struct SeenIds {
    ids: HashMap<String, u64>,
}

impl SeenIds {
    pub fn claim(
        &mut self,
        jti: &str,
        forget_after: u64,
        now: u64,
    ) -> Result<(), LatticeRejection> {
        if self.ids.contains_key(jti) {
            return Err(LatticeRejection::Replayed(jti.to_string()));
        }
        if self.ids.len() >= MAX_LOCAL_IDS {
            self.ids.retain(|_, until| *until >= now);
            if self.ids.len() >= MAX_LOCAL_IDS {
                return Err(LatticeRejection::ReplayUnchecked(format!(
                    "the local replay cache holds {MAX_LOCAL_IDS} live token ids"
                )));
            }
        }
        self.ids.insert(jti.to_string(), forget_after);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_claimed_once_and_the_set_is_bounded() {
        let mut seen = SeenIds::default();
        seen.claim("A", 100, 10).unwrap();
        assert_eq!(seen.claim("A", 100, 11).unwrap_err().code(), "replayed");
        for i in 1..MAX_LOCAL_IDS {
            seen.claim(&format!("id{i}"), 50, 10).unwrap();
        }
        assert_eq!(seen.len(), MAX_LOCAL_IDS);
        // Full of live ids: refused, not accepted unchecked.
        assert_eq!(
            seen.claim("B", 100, 20).unwrap_err().code(),
            "replay_unchecked"
        );
        // Once the short-lived ids have expired they are forgotten; "A" is still live.
        seen.claim("B", 100, 60).unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen.claim("A", 100, 60).unwrap_err().code(), "replayed");
    }
}

#[cfg(test)]
mod bucket_tests {
    use super::*;

    fn info(overrides: serde_json::Value) -> serde_json::Value {
        let mut config = serde_json::json!({
            "subjects": ["$KV.wzt_replay_default.>"],
            "deny_purge": true,
            "deny_delete": true,
            "allow_rollup_hdrs": false,
            "max_age": BUCKET_TTL.as_nanos() as u64,
            "max_msgs_per_subject": 1,
            "discard": "new",
        });
        for (k, v) in overrides.as_object().unwrap() {
            config[k] = v.clone();
        }
        serde_json::json!({ "config": config })
    }

    #[test]
    fn an_existing_bucket_is_trusted_only_with_safe_settings() {
        let bucket = "wzt_replay_default";
        assert!(check_existing(bucket, &info(serde_json::json!({}))).is_ok());
        for weak in [
            serde_json::json!({ "deny_purge": false }),
            serde_json::json!({ "allow_rollup_hdrs": true }),
            serde_json::json!({ "max_age": 1_000_000_000u64 }),
            serde_json::json!({ "max_msgs_per_subject": 5 }),
            serde_json::json!({ "subjects": ["$KV.wzt_replay_default.>", "evil.>"] }),
        ] {
            let why = check_existing(bucket, &info(weak.clone())).unwrap_err();
            assert!(why.contains("cannot trust"), "{weak}: {why}");
        }
    }
}
