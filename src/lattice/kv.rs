//! The lattice's JetStream key-value buckets (replay claims, revocations), driven through the
//! JetStream API subjects directly rather than async-nats's JetStream layer, whose response
//! types do not parse the answers of older servers (Debian's nats-server 2.9).
//!
//! A bucket is a stream `KV_<bucket>` over `$KV.<bucket>.>`, one message per key. A
//! create-only put is a publish to `$KV.<bucket>.<key>` with
//! `Nats-Expected-Last-Subject-Sequence: 0`: the server stores it only when the key holds
//! nothing, else answers error 10071 (wrong last sequence).

use std::time::Duration;

use async_nats::HeaderMap;
use bytes::Bytes;

/// How long one JetStream API call may take.
pub(super) const JS_TIMEOUT: Duration = Duration::from_secs(5);

/// JetStream's error code for "wrong last sequence": the key already holds a value.
pub(super) const JS_WRONG_LAST_SEQUENCE: u64 = 10071;
/// JetStream's error code for "stream name already in use with a different configuration".
const JS_STREAM_NAME_IN_USE: u64 = 10058;
/// JetStream's error code for "no message found".
pub(super) const JS_NO_MESSAGE: u64 = 10037;

/// What a bucket must be.
pub(super) struct BucketSpec<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// How long entries are kept; `None`: forever.
    pub max_age: Option<Duration>,
    pub max_bytes: u64,
    pub max_msg_size: u64,
}

/// Why a bucket could not be set up.
#[derive(Debug)]
pub enum BucketSetupError {
    /// The server has no JetStream (no answer from its API).
    NoJetStream(String),
    /// JetStream is there, but the bucket cannot be trusted or made: the host must not start.
    Refused(String),
}

/// The `error` object of a JetStream API answer, if it has one.
pub(super) fn js_error(answer: &serde_json::Value) -> Option<(u64, String)> {
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

/// One request to the JetStream API (or a put), its answer as JSON.
pub(super) async fn js_request(
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

/// An existing bucket is trusted only with settings that keep every entry as long as `spec`
/// says and refuse purges, rollups, deletes and second values for a key; otherwise a host
/// refuses to start (an attacker who made it first, or weakened it, would get replays
/// through or make revocations disappear).
pub(super) fn check_existing(
    spec: &BucketSpec<'_>,
    info: &serde_json::Value,
) -> Result<(), String> {
    let bucket = spec.name;
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
    match spec.max_age {
        Some(age) if number("max_age") < age.as_nanos() as i64 => {
            problems.push(format!("it keeps entries less than {} s", age.as_secs()));
        }
        None if number("max_age") != 0 => {
            problems.push("it does not keep entries forever".to_string());
        }
        _ => {}
    }
    if number("max_msgs_per_subject") != 1
        || config.get("discard").and_then(|d| d.as_str()) != Some("new")
    {
        problems.push("it does not refuse a second entry for a key".to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the stream KV_{bucket} already exists with settings wzt cannot trust ({}); delete it (`nats stream rm KV_{bucket}`) and restrict the JetStream API to the lattice's hosts",
            problems.join("; ")
        ))
    }
}

/// Creates the bucket `spec`, or finds it made before with settings that can be trusted.
pub(super) async fn ensure_bucket(
    client: &async_nats::Client,
    spec: &BucketSpec<'_>,
) -> Result<(), BucketSetupError> {
    let bucket = spec.name;
    let config = serde_json::json!({
        "name": format!("KV_{bucket}"),
        "description": spec.description,
        "subjects": [format!("$KV.{bucket}.>")],
        "retention": "limits",
        "max_consumers": -1,
        "max_msgs": -1,
        // Bounded: a client flooding the bucket fills this, not the server's disk.
        "max_bytes": spec.max_bytes,
        "max_age": spec.max_age.map_or(0, |a| a.as_nanos() as u64),
        "max_msgs_per_subject": 1,
        "max_msg_size": spec.max_msg_size,
        "storage": "file",
        "discard": "new",
        "num_replicas": 1,
        "duplicate_window": 10_000_000_000u64,
        "deny_delete": true,
        // A purge or a rollup message would forget the entries so far.
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
    .map_err(BucketSetupError::NoJetStream)?;
    match js_error(&answer) {
        None => Ok(()),
        // Made before (by another host, or by someone else): used only when its settings
        // can be trusted.
        Some((JS_STREAM_NAME_IN_USE, _)) => {
            let info = stream_info(client, bucket)
                .await
                .map_err(BucketSetupError::Refused)?;
            check_existing(spec, &info).map_err(BucketSetupError::Refused)
        }
        // JetStream is there but will not make the bucket (a stream over the same subjects,
        // say): refused, never a quiet fall back.
        Some((code, why)) => Err(BucketSetupError::Refused(format!(
            "JetStream error {code} creating the bucket {bucket}: {why}"
        ))),
    }
}

/// The stream's information (`config`, `state`).
pub(super) async fn stream_info(
    client: &async_nats::Client,
    bucket: &str,
) -> Result<serde_json::Value, String> {
    let info = js_request(
        client,
        format!("$JS.API.STREAM.INFO.KV_{bucket}"),
        HeaderMap::new(),
        Bytes::new(),
    )
    .await?;
    match js_error(&info) {
        None => Ok(info),
        Some((code, why)) => Err(format!("JetStream error {code} on KV_{bucket}: {why}")),
    }
}

/// What a create-only put came to.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Put {
    Stored,
    /// The key holds a value already.
    Exists,
}

/// A create-only put of `value` at `key`.
pub(super) async fn create(
    client: &async_nats::Client,
    bucket: &str,
    key: &str,
    value: Bytes,
) -> Result<Put, String> {
    let mut headers = HeaderMap::new();
    headers.insert("Nats-Expected-Last-Subject-Sequence", "0");
    let answer = js_request(client, format!("$KV.{bucket}.{key}"), headers, value).await?;
    match js_error(&answer) {
        None if answer.get("seq").is_some() => Ok(Put::Stored),
        None => Err(format!("JetStream answered without a sequence: {answer}")),
        Some((JS_WRONG_LAST_SEQUENCE, _)) => Ok(Put::Exists),
        Some((code, why)) => Err(format!("JetStream error {code}: {why}")),
    }
}

/// One stored entry: its key and value.
pub(super) struct Entry {
    pub key: String,
    pub value: Vec<u8>,
}

/// Every entry stored in the bucket, in order (read one by one by sequence: the API every
/// JetStream server has); an error when there are more than `limit`.
pub(super) async fn entries(
    client: &async_nats::Client,
    bucket: &str,
    limit: u64,
) -> Result<Vec<Entry>, String> {
    use data_encoding::BASE64;
    let info = stream_info(client, bucket).await?;
    let state = info.get("state");
    let seq = |name: &str| {
        state
            .and_then(|s| s.get(name))
            .and_then(|v| v.as_u64())
            .unwrap_or(0)
    };
    let (first, last) = (seq("first_seq"), seq("last_seq"));
    if last == 0 || first > last {
        return Ok(Vec::new());
    }
    // Reading only some would leave the rest unapplied: more than the limit is an error.
    if last - first >= limit {
        return Err(format!(
            "KV_{bucket} holds {} entries, more than the {limit} a host reads (someone may be flooding it: only the lattice's hosts and its admin should reach it, docs/lattice-nats.conf)",
            last - first + 1
        ));
    }
    let prefix = format!("$KV.{bucket}.");
    let mut out = Vec::new();
    for n in first..=last {
        let answer = js_request(
            client,
            format!("$JS.API.STREAM.MSG.GET.KV_{bucket}"),
            HeaderMap::new(),
            Bytes::from(serde_json::json!({ "seq": n }).to_string()),
        )
        .await?;
        if let Some((code, why)) = js_error(&answer) {
            if code == JS_NO_MESSAGE {
                continue;
            }
            return Err(format!("JetStream error {code} reading KV_{bucket}: {why}"));
        }
        let message = answer.get("message");
        let subject = message
            .and_then(|m| m.get("subject"))
            .and_then(|s| s.as_str())
            .unwrap_or_default();
        let data = message
            .and_then(|m| m.get("data"))
            .and_then(|d| d.as_str())
            .unwrap_or_default();
        let Some(key) = subject.strip_prefix(&prefix) else {
            continue;
        };
        let Ok(value) = BASE64.decode(data.as_bytes()) else {
            continue;
        };
        out.push(Entry {
            key: key.to_string(),
            value,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(overrides: serde_json::Value) -> serde_json::Value {
        let mut config = serde_json::json!({
            "subjects": ["$KV.b.>"],
            "deny_purge": true,
            "deny_delete": true,
            "allow_rollup_hdrs": false,
            "max_age": 70_000_000_000u64,
            "max_msgs_per_subject": 1,
            "discard": "new",
        });
        for (k, v) in overrides.as_object().unwrap() {
            config[k] = v.clone();
        }
        serde_json::json!({ "config": config })
    }

    fn spec(max_age: Option<Duration>) -> BucketSpec<'static> {
        BucketSpec {
            name: "b",
            description: "",
            max_age,
            max_bytes: 1,
            max_msg_size: 1,
        }
    }

    #[test]
    fn an_existing_bucket_is_trusted_only_with_safe_settings() {
        let ttl = spec(Some(Duration::from_secs(70)));
        assert!(check_existing(&ttl, &info(serde_json::json!({}))).is_ok());
        for weak in [
            serde_json::json!({ "deny_purge": false }),
            serde_json::json!({ "deny_delete": false }),
            serde_json::json!({ "allow_rollup_hdrs": true }),
            serde_json::json!({ "max_age": 1_000_000_000u64 }),
            serde_json::json!({ "max_msgs_per_subject": 5 }),
            serde_json::json!({ "discard": "old" }),
            serde_json::json!({ "subjects": ["$KV.b.>", "evil.>"] }),
        ] {
            let why = check_existing(&ttl, &info(weak.clone())).unwrap_err();
            assert!(why.contains("cannot trust"), "{weak}: {why}");
        }
        // A bucket that must keep entries forever (revocations) refuses any max_age.
        let forever = spec(None);
        let why = check_existing(&forever, &info(serde_json::json!({}))).unwrap_err();
        assert!(why.contains("does not keep entries forever"), "{why}");
        assert!(check_existing(&forever, &info(serde_json::json!({ "max_age": 0 }))).is_ok());
    }
}
