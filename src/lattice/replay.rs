//! The replay check: each token id is claimed once. Lattice-wide, by a create-only put of the
//! `jti` into a JetStream key-value bucket of the lattice (the put that loses the race means
//! `replayed`, on whichever host); without JetStream, per host, in a bounded set of the ids
//! seen within their validity.
//!
//! The bucket is a plain JetStream key-value bucket ([`super::kv`]); a claim is a create-only
//! put of the `jti`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;

use super::kv;
use super::{LEEWAY_SECS, LatticeRejection, MAX_LIFETIME_SECS};

/// How many token ids the local set remembers at most. Ids are forgotten once their token has
/// expired (plus the leeway); when the set is full of live ids, new tokens are refused
/// (`replay_unchecked`) rather than accepted unchecked.
pub const MAX_LOCAL_IDS: usize = 200_000;

/// How long the lattice-wide bucket keeps an id: the longest token lifetime, and the leeway on
/// both sides (a token may arrive `LEEWAY` before its `iat` and is accepted until `exp + LEEWAY`).
pub const BUCKET_TTL: Duration = Duration::from_secs(MAX_LIFETIME_SECS + 2 * LEEWAY_SECS);

/// Where token ids are claimed.
pub enum ReplayGuard {
    /// A JetStream key-value bucket shared by every host of the lattice, and the ids this
    /// host claimed there (a replay of one of them is refused before any signature check or
    /// claim).
    JetStream {
        bucket: String,
        client: async_nats::Client,
        claimed: Mutex<SeenIds>,
    },
    /// This process only: a replay delivered to another host of the same queue group is not
    /// caught.
    Local(Mutex<SeenIds>),
}

pub use super::kv::BucketSetupError as ReplaySetupError;

/// The most the replay bucket may hold on the server.
const MAX_BUCKET_BYTES: u64 = 256 << 20;

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
        kv::ensure_bucket(
            client,
            &kv::BucketSpec {
                name: &bucket,
                description: "wzt lattice token ids (replay check)",
                max_age: Some(BUCKET_TTL),
                max_bytes: MAX_BUCKET_BYTES,
                max_msg_size: 128,
            },
        )
        .await?;
        Ok(ReplayGuard::JetStream {
            bucket,
            client: client.clone(),
            claimed: Mutex::new(SeenIds::default()),
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

    /// `replayed` when this host has taken `jti` already (cheap: no claim, no signature).
    pub fn seen_here(&self, jti: &str) -> Result<(), LatticeRejection> {
        let seen = match self {
            ReplayGuard::Local(seen) => seen,
            ReplayGuard::JetStream { claimed, .. } => claimed,
        };
        if seen.lock().unwrap_or_else(|e| e.into_inner()).contains(jti) {
            return Err(LatticeRejection::Replayed(jti.to_string()));
        }
        Ok(())
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
            ReplayGuard::JetStream {
                bucket,
                client,
                claimed,
            } => {
                match kv::create(client, bucket, jti, Bytes::from(host.to_string()))
                    .await
                    .map_err(LatticeRejection::ReplayUnchecked)?
                {
                    kv::Put::Stored => {
                        claimed.lock().unwrap_or_else(|e| e.into_inner()).remember(
                            jti,
                            exp + LEEWAY_SECS,
                            now,
                        );
                        Ok(())
                    }
                    kv::Put::Exists => Err(LatticeRejection::Replayed(jti.to_string())),
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

    /// Whether `jti` was taken.
    pub fn contains(&self, jti: &str) -> bool {
        self.ids.contains_key(jti)
    }

    /// Records `jti` when there is room (for a shortcut only: the claim was made elsewhere).
    pub fn remember(&mut self, jti: &str, forget_after: u64, now: u64) {
        if self.ids.len() >= MAX_LOCAL_IDS {
            self.ids.retain(|_, until| *until >= now);
        }
        if self.ids.len() < MAX_LOCAL_IDS {
            self.ids.insert(jti.to_string(), forget_after);
        }
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
