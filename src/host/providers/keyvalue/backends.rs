//! Key-value backends for `wasi:keyvalue`: SQLite (local, persisted) and memory (mock, seedable).
//!
//! One backend is shared by every request and instance of a run; buckets are namespaces.
//! Counters (`atomics.increment`) are stored as decimal ASCII, as Redis-backed wasmCloud
//! providers store them, so `get` on a counter reads `b"42"`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{OptionalExtension, params};
use serde_json::Value;

/// Keys per `list-keys` page.
pub const PAGE: usize = 100;

/// Why a key-value operation failed; maps to `wasi:keyvalue/store.error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KvError {
    #[error("no such bucket")]
    NoSuchStore,
    #[error("{0}")]
    Other(String),
}

/// A key-value store shared by all invocations.
pub trait KvBackend: Send + Sync {
    /// Checks that `bucket` may be opened.
    fn open(&self, bucket: &str) -> Result<(), KvError>;
    fn get(&self, bucket: &str, key: &str) -> Result<Option<Vec<u8>>, KvError>;
    fn set(&self, bucket: &str, key: &str, value: &[u8]) -> Result<(), KvError>;
    fn delete(&self, bucket: &str, key: &str) -> Result<(), KvError>;
    /// Keys in order, `PAGE` at a time from offset `cursor`; the next cursor when more remain.
    fn list_keys(&self, bucket: &str, cursor: u64) -> Result<(Vec<String>, Option<u64>), KvError>;
    /// Adds `delta` to the counter at `key` (0 when absent), atomically; returns the new value.
    fn increment(&self, bucket: &str, key: &str, delta: u64) -> Result<u64, KvError>;
    /// The buckets there are, in order (SQLite: those holding entries; memory: also those
    /// seeded or opened empty). Read-only (for the console).
    fn buckets(&self) -> Result<Vec<String>, KvError>;
    /// Entries of `bucket` in key order, `PAGE` at a time from offset `cursor`, each value
    /// cut to its first `preview` bytes; the next cursor when more remain. Read-only (for the
    /// console): a bucket that does not exist has no entries and is not created.
    fn peek(
        &self,
        bucket: &str,
        cursor: u64,
        preview: usize,
    ) -> Result<(Vec<KvEntry>, Option<u64>), KvError>;
}

/// An entry as [`KvBackend::peek`] shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvEntry {
    pub key: String,
    /// The value's first bytes.
    pub value: Vec<u8>,
    /// The value's whole length in bytes.
    pub len: u64,
}

/// Read-only access to the store a run uses (the console): what [`KvBackend::buckets`] and
/// [`KvBackend::peek`] show, and nothing that writes.
#[derive(Clone)]
pub struct KvReader(std::sync::Arc<dyn KvBackend>);

impl KvReader {
    pub fn new(backend: std::sync::Arc<dyn KvBackend>) -> KvReader {
        KvReader(backend)
    }

    pub fn buckets(&self) -> Result<Vec<String>, KvError> {
        self.0.buckets()
    }

    pub fn peek(
        &self,
        bucket: &str,
        cursor: u64,
        preview: usize,
    ) -> Result<(Vec<KvEntry>, Option<u64>), KvError> {
        self.0.peek(bucket, cursor, preview)
    }
}

fn add(current: Option<&[u8]>, delta: u64) -> Result<u64, KvError> {
    let current = match current {
        None => 0,
        Some(bytes) => std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .ok_or_else(|| KvError::Other("the value is not a decimal counter".into()))?,
    };
    current
        .checked_add(delta)
        .ok_or_else(|| KvError::Other("the counter would overflow u64".into()))
}

/// The largest `--kv-seed` file read.
pub const MAX_SEED_FILE: u64 = 64 << 20;

/// In-memory store for `--mock-caps`: seeded from JSON, dumped to JSON, never persisted.
pub struct MemoryKv {
    data: Mutex<BTreeMap<String, BTreeMap<String, Vec<u8>>>>,
    /// With a seed file, only its buckets exist; without one, any bucket opens (empty).
    fixed_buckets: bool,
}

impl MemoryKv {
    pub fn new() -> MemoryKv {
        MemoryKv {
            data: Mutex::new(BTreeMap::new()),
            fixed_buckets: false,
        }
    }

    /// Loads `{"bucket": {"key": "text" | {"base64": "..."}}}` from a regular file of at
    /// most [`MAX_SEED_FILE`].
    pub fn seeded(path: &Path) -> anyhow::Result<MemoryKv> {
        let text = crate::fsutil::read_named_text(path, MAX_SEED_FILE)?;
        let json: Value = serde_json::from_str(&text)?;
        let Value::Object(buckets) = json else {
            anyhow::bail!(
                "expected an object of buckets, like {{\"bucket\": {{\"key\": \"value\"}}}}"
            );
        };
        let mut data = BTreeMap::new();
        for (bucket, entries) in buckets {
            let Value::Object(entries) = entries else {
                anyhow::bail!("bucket '{bucket}': expected an object of keys");
            };
            let mut map = BTreeMap::new();
            for (key, value) in entries {
                let bytes = match value {
                    Value::String(s) => s.into_bytes(),
                    Value::Object(o)
                        if o.len() == 1 && o.get("base64").is_some_and(Value::is_string) =>
                    {
                        data_encoding::BASE64
                            .decode(o["base64"].as_str().unwrap_or_default().as_bytes())
                            .map_err(|e| anyhow::anyhow!("bucket '{bucket}', key '{key}': {e}"))?
                    }
                    _ => anyhow::bail!(
                        "bucket '{bucket}', key '{key}': a value is a string or {{\"base64\": \"...\"}}"
                    ),
                };
                map.insert(key, bytes);
            }
            data.insert(bucket, map);
        }
        Ok(MemoryKv {
            data: Mutex::new(data),
            fixed_buckets: true,
        })
    }

    /// The contents in the seed format: text values as strings, binary ones (not UTF-8, or with
    /// control characters other than newlines and tabs) as base64.
    pub fn dump(&self) -> Value {
        let data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = serde_json::Map::new();
        for (bucket, entries) in data.iter() {
            let mut map = serde_json::Map::new();
            for (key, value) in entries {
                let text = std::str::from_utf8(value).ok().filter(|s| {
                    s.chars()
                        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
                });
                let v = match text {
                    Some(s) => Value::String(s.to_string()),
                    None => serde_json::json!({ "base64": data_encoding::BASE64.encode(value) }),
                };
                map.insert(key.clone(), v);
            }
            out.insert(bucket.clone(), Value::Object(map));
        }
        Value::Object(out)
    }

    fn with<T>(
        &self,
        bucket: &str,
        f: impl FnOnce(&mut BTreeMap<String, Vec<u8>>) -> Result<T, KvError>,
    ) -> Result<T, KvError> {
        let mut data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        if self.fixed_buckets && !data.contains_key(bucket) {
            return Err(KvError::NoSuchStore);
        }
        f(data.entry(bucket.to_string()).or_default())
    }
}

impl Default for MemoryKv {
    fn default() -> Self {
        MemoryKv::new()
    }
}

impl KvBackend for MemoryKv {
    fn open(&self, bucket: &str) -> Result<(), KvError> {
        self.with(bucket, |_| Ok(()))
    }

    fn get(&self, bucket: &str, key: &str) -> Result<Option<Vec<u8>>, KvError> {
        self.with(bucket, |m| Ok(m.get(key).cloned()))
    }

    fn set(&self, bucket: &str, key: &str, value: &[u8]) -> Result<(), KvError> {
        self.with(bucket, |m| {
            m.insert(key.to_string(), value.to_vec());
            Ok(())
        })
    }

    fn delete(&self, bucket: &str, key: &str) -> Result<(), KvError> {
        self.with(bucket, |m| {
            m.remove(key);
            Ok(())
        })
    }

    fn list_keys(&self, bucket: &str, cursor: u64) -> Result<(Vec<String>, Option<u64>), KvError> {
        self.with(bucket, |m| {
            let start = usize::try_from(cursor).unwrap_or(usize::MAX);
            let keys: Vec<String> = m.keys().skip(start).take(PAGE + 1).cloned().collect();
            Ok(page(keys, cursor))
        })
    }

    fn increment(&self, bucket: &str, key: &str, delta: u64) -> Result<u64, KvError> {
        self.with(bucket, |m| {
            let value = add(m.get(key).map(Vec::as_slice), delta)?;
            m.insert(key.to_string(), value.to_string().into_bytes());
            Ok(value)
        })
    }

    fn buckets(&self) -> Result<Vec<String>, KvError> {
        let data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        Ok(data.keys().cloned().collect())
    }

    fn peek(
        &self,
        bucket: &str,
        cursor: u64,
        preview: usize,
    ) -> Result<(Vec<KvEntry>, Option<u64>), KvError> {
        let data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        let Some(entries) = data.get(bucket) else {
            return Ok((Vec::new(), None));
        };
        let start = usize::try_from(cursor).unwrap_or(usize::MAX);
        let shown = entries
            .iter()
            .skip(start)
            .take(PAGE + 1)
            .map(|(key, value)| KvEntry {
                key: key.clone(),
                value: value[..value.len().min(preview)].to_vec(),
                len: value.len() as u64,
            })
            .collect();
        Ok(page(shown, cursor))
    }
}

/// Up to `PAGE` items, and the next cursor when a `PAGE + 1`th was found.
fn page<T>(mut keys: Vec<T>, cursor: u64) -> (Vec<T>, Option<u64>) {
    let more = keys.len() > PAGE;
    keys.truncate(PAGE);
    let next = more.then(|| cursor + PAGE as u64);
    (keys, next)
}

/// The local store: an embedded SQLite file that persists across runs. Every actor sees only
/// its own namespace (by default its subject key), so actors run from one directory do not
/// read each other's data. The file is created on the first key-value call, not when the
/// capability is granted.
pub struct SqliteKv {
    /// `None` until the first call opens (or creates) the file.
    conn: Mutex<Option<rusqlite::Connection>>,
    pub path: PathBuf,
    namespace: String,
    /// Bytes of keys and values the namespace may hold.
    quota: Option<u64>,
}

/// The key-value namespace an admitted actor gets: its issuer and subject keys together
/// (`ISSUER.SUBJECT`: a subject key alone proves nothing, any trusted issuer can name it), or
/// for an unsigned actor its module hash (`unsigned.HASH`), so two unsigned actors never share
/// data by accident.
pub fn namespace_of(admitted: &crate::verify::Admitted) -> String {
    match admitted.claims() {
        Some(claims) => format!("{}.{}", claims.issuer, claims.subject),
        None => format!("unsigned.{}", admitted.module_hash()),
    }
}

/// Checks a key-value namespace name: letters, digits, `_`, `.` and `-` (a subject key is one).
pub fn validate_namespace(name: &str) -> Result<(), String> {
    if !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        Ok(())
    } else {
        Err(format!(
            "'{}' cannot name a key-value namespace: use up to 128 letters, digits, '_', '.' and '-'",
            name.escape_debug()
        ))
    }
}

impl SqliteKv {
    /// The store at `path` for `namespace`, checked now but created only by the first call
    /// that uses it: an existing file (and its directory and SQLite's journal files beside it)
    /// must be a regular file owned by this user that nobody else can reach, never a symlink.
    pub fn open(path: &Path, namespace: &str, quota: Option<u64>) -> anyhow::Result<SqliteKv> {
        validate_namespace(namespace).map_err(anyhow::Error::msg)?;
        let dir = store_dir(path);
        if std::fs::symlink_metadata(dir).is_ok() {
            check_private_dir(dir)?;
        }
        if std::fs::symlink_metadata(path).is_ok() {
            check_private_file(path, false)?;
        }
        check_journal_files(path)?;
        Ok(SqliteKv {
            conn: Mutex::new(None),
            path: path.to_path_buf(),
            namespace: namespace.to_string(),
            quota,
        })
    }

    /// Opens the file, creating it (0600, in a directory created 0700) when missing, with
    /// every check of [`SqliteKv::open`] made again.
    fn connect(&self) -> anyhow::Result<rusqlite::Connection> {
        let path = &self.path;
        let dir = store_dir(path);
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir)?;
        check_private_dir(dir)?;
        check_private_file(path, true)?;
        check_journal_files(path)?;
        let conn = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                | rusqlite::OpenFlags::SQLITE_OPEN_CREATE
                | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW
                | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.execute(
            "CREATE TABLE IF NOT EXISTS kv (
                bucket TEXT NOT NULL,
                key TEXT NOT NULL,
                value BLOB NOT NULL,
                PRIMARY KEY (bucket, key)
            )",
            [],
        )?;
        Ok(conn)
    }

    /// The connection, opened by the first call.
    fn connection(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, Option<rusqlite::Connection>>, KvError> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        if conn.is_none() {
            let opened = self.connect().map_err(|e| {
                KvError::Other(format!(
                    "cannot open the key-value store {}: {e:#}",
                    self.path.display()
                ))
            })?;
            *conn = Some(opened);
        }
        Ok(conn)
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The stored bucket name: `namespace:bucket` (a namespace holds no `:`, so this is
    /// one-to-one).
    fn ns(&self, bucket: &str) -> String {
        format!("{}:{bucket}", self.namespace)
    }

    /// Refuses to store `adding` bytes at (`bucket`, `key`) (a stored bucket name) when the
    /// namespace would then hold more than the quota; what the key holds now does not count.
    fn check_quota(
        &self,
        conn: &rusqlite::Connection,
        bucket: &str,
        key: &str,
        adding: usize,
    ) -> Result<(), KvError> {
        let Some(quota) = self.quota else {
            return Ok(());
        };
        let prefix = format!("{}:", self.namespace);
        let used: i64 = conn
            .query_row(
                "SELECT COALESCE(SUM(length(CAST(bucket AS BLOB)) + length(CAST(key AS BLOB))
                    + length(value) + 32), 0) FROM kv
                 WHERE substr(bucket, 1, ?2) = ?1 AND NOT (bucket = ?3 AND key = ?4)",
                params![prefix, prefix.chars().count() as i64, bucket, key],
                |row| row.get(0),
            )
            .map_err(|e| KvError::Other(format!("sqlite: {e}")))?;
        // Every row counts its bucket name, key, value and a fixed overhead.
        let adding = adding as u64 + bucket.len() as u64 + 32;
        if (used.max(0) as u64).saturating_add(adding) > quota {
            return Err(KvError::Other(format!(
                "the key-value quota of {quota} bytes (--kv-quota) is used up"
            )));
        }
        Ok(())
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Result<T, KvError> {
        let mut conn = self.connection()?;
        let conn = conn.as_mut().expect("connected");
        f(conn).map_err(|e| KvError::Other(format!("sqlite: {e}")))
    }
}

impl KvBackend for SqliteKv {
    fn open(&self, _bucket: &str) -> Result<(), KvError> {
        Ok(())
    }

    fn get(&self, bucket: &str, key: &str) -> Result<Option<Vec<u8>>, KvError> {
        let bucket = &self.ns(bucket);
        self.with(|c| {
            c.query_row(
                "SELECT value FROM kv WHERE bucket = ?1 AND key = ?2",
                params![bucket, key],
                |row| row.get(0),
            )
            .optional()
        })
    }

    fn set(&self, bucket: &str, key: &str, value: &[u8]) -> Result<(), KvError> {
        let bucket = &self.ns(bucket);
        if self.quota.is_some() {
            // The check and the write in one write transaction: concurrent writers (other
            // processes too) cannot both pass the check.
            let mut conn = self.connection()?;
            let conn = conn.as_mut().expect("connected");
            let sql = |e: rusqlite::Error| KvError::Other(format!("sqlite: {e}"));
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(sql)?;
            self.check_quota(&tx, bucket, key, key.len() + value.len())?;
            tx.execute(
                "INSERT INTO kv (bucket, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (bucket, key) DO UPDATE SET value = excluded.value",
                params![bucket, key, value],
            )
            .map_err(sql)?;
            return tx.commit().map_err(sql);
        }
        self.with(|c| {
            c.execute(
                "INSERT INTO kv (bucket, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (bucket, key) DO UPDATE SET value = excluded.value",
                params![bucket, key, value],
            )
            .map(|_| ())
        })
    }

    fn delete(&self, bucket: &str, key: &str) -> Result<(), KvError> {
        let bucket = &self.ns(bucket);
        self.with(|c| {
            c.execute(
                "DELETE FROM kv WHERE bucket = ?1 AND key = ?2",
                params![bucket, key],
            )
            .map(|_| ())
        })
    }

    fn list_keys(&self, bucket: &str, cursor: u64) -> Result<(Vec<String>, Option<u64>), KvError> {
        let bucket = &self.ns(bucket);
        let keys = self.with(|c| {
            let mut stmt =
                c.prepare("SELECT key FROM kv WHERE bucket = ?1 ORDER BY key LIMIT ?2 OFFSET ?3")?;
            let rows = stmt.query_map(
                params![
                    bucket,
                    (PAGE + 1) as i64,
                    i64::try_from(cursor).unwrap_or(i64::MAX)
                ],
                |row| row.get::<_, String>(0),
            )?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok(page(keys, cursor))
    }

    fn increment(&self, bucket: &str, key: &str, delta: u64) -> Result<u64, KvError> {
        let bucket = &self.ns(bucket);
        let mut conn = self.connection()?;
        let conn = conn.as_mut().expect("connected");
        let sql = |e: rusqlite::Error| KvError::Other(format!("sqlite: {e}"));
        // IMMEDIATE takes the write lock up front: concurrent wzt processes serialise here too.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        let current: Option<Vec<u8>> = tx
            .query_row(
                "SELECT value FROM kv WHERE bucket = ?1 AND key = ?2",
                params![bucket, key],
                |row| row.get(0),
            )
            .optional()
            .map_err(sql)?;
        let value = add(current.as_deref(), delta)?;
        self.check_quota(&tx, bucket, key, key.len() + value.to_string().len())?;
        tx.execute(
            "INSERT INTO kv (bucket, key, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (bucket, key) DO UPDATE SET value = excluded.value",
            params![bucket, key, value.to_string().into_bytes()],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(value)
    }

    fn buckets(&self) -> Result<Vec<String>, KvError> {
        let prefix = format!("{}:", self.namespace);
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT DISTINCT substr(bucket, ?2 + 1) FROM kv
                 WHERE substr(bucket, 1, ?2) = ?1 ORDER BY 1",
            )?;
            let rows = stmt.query_map(params![prefix, prefix.chars().count() as i64], |row| {
                row.get::<_, String>(0)
            })?;
            rows.collect()
        })
    }

    fn peek(
        &self,
        bucket: &str,
        cursor: u64,
        preview: usize,
    ) -> Result<(Vec<KvEntry>, Option<u64>), KvError> {
        let bucket = &self.ns(bucket);
        let entries = self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT key, substr(value, 1, ?2), length(value) FROM kv WHERE bucket = ?1
                 ORDER BY key LIMIT ?3 OFFSET ?4",
            )?;
            let rows = stmt.query_map(
                params![
                    bucket,
                    i64::try_from(preview).unwrap_or(i64::MAX),
                    (PAGE + 1) as i64,
                    i64::try_from(cursor).unwrap_or(i64::MAX)
                ],
                |row| {
                    Ok(KvEntry {
                        key: row.get(0)?,
                        value: row.get(1)?,
                        len: row.get::<_, i64>(2)?.max(0) as u64,
                    })
                },
            )?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok(page(entries, cursor))
    }
}

/// The directory holding the store file.
fn store_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// SQLite's journal files beside the store must be ours too (a planted one would be reused).
fn check_journal_files(path: &Path) -> anyhow::Result<()> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if std::fs::symlink_metadata(&side).is_ok() {
            check_private_file(&side, false)?;
        }
    }
    Ok(())
}

/// Refuses a store directory that another user owns or that group or others can write (they
/// could plant the journal files SQLite reuses).
fn check_private_dir(dir: &Path) -> anyhow::Result<()> {
    use crate::fsutil::{FileError, Owner, check_dir};
    match check_dir(dir, Owner::Me, true) {
        Ok(_) => Ok(()),
        Err(e @ FileError::ForeignOwner { .. }) => anyhow::bail!(
            "the key-value store's directory {} is {}; keep the store in a directory of your own (--kv-path)",
            dir.display(),
            e.problem()
        ),
        Err(e @ FileError::WritableByOthers { .. }) => anyhow::bail!(
            "the key-value store's directory {} is {}; fix it with `chmod go-w {}`",
            dir.display(),
            e.problem(),
            dir.display()
        ),
        Err(e) => Err(e.into()),
    }
}

/// Checks `path` is a regular file (creating it 0600 when `create`), not a symbolic link,
/// owned by this user, with no other name, that nobody else can read or write.
fn check_private_file(path: &Path, create: bool) -> anyhow::Result<()> {
    use crate::fsutil::{CheckedFile, FileError, FileRules};
    let rules = FileRules {
        create: create.then_some(0o600),
        ..FileRules::secret(u64::MAX)
    };
    match CheckedFile::open(path, rules) {
        Ok(_) => Ok(()),
        Err(FileError::Symlink { .. }) => anyhow::bail!(
            "{} is a symbolic link; wzt does not follow one for its key-value store",
            path.display()
        ),
        Err(e @ (FileError::ForeignOwner { .. } | FileError::HardLinked { .. })) => {
            anyhow::bail!(
                "{e}; wzt keeps actor data only in files {}",
                if matches!(e, FileError::HardLinked { .. }) {
                    "nobody else can reach"
                } else {
                    "you own"
                }
            )
        }
        Err(
            FileError::ReadableByOthers { mode, .. } | FileError::WritableByOthers { mode, .. },
        ) => {
            anyhow::bail!(
                "{} is accessible to other users (mode {mode:03o}); fix it with `chmod 600 {}`",
                path.display(),
                path.display()
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_do_not_see_each_other_and_quotas_hold() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kv.sqlite");
        let a = SqliteKv::open(&path, "MA", None).unwrap();
        let b = SqliteKv::open(&path, "MB", Some(100)).unwrap();
        a.set("default", "secret", b"a's").unwrap();
        assert_eq!(b.get("default", "secret").unwrap(), None);
        assert_eq!(b.list_keys("default", 0).unwrap().0, Vec::<String>::new());
        b.set("default", "k", b"0123456789").unwrap();
        // Overwriting counts the new value only.
        b.set("default", "k", b"0123456789").unwrap();
        let err = b.set("default", "k2", b"0123456789").unwrap_err();
        assert!(err.to_string().contains("quota of 100 bytes"), "{err}");
        // Bucket names count too.
        let c = SqliteKv::open(&path, "MC", Some(100)).unwrap();
        assert!(c.set(&"b".repeat(200), "k", b"").is_err());
        assert!(SqliteKv::open(&path, "no:colons", None).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let link = dir.path().join("link.sqlite");
            std::os::unix::fs::symlink(&path, &link).unwrap();
            let err = SqliteKv::open(&link, "MA", None).err().unwrap().to_string();
            assert!(err.contains("symbolic link"), "{err}");
        }
    }

    #[test]
    fn the_file_is_made_by_the_first_call_not_by_opening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".wzt/kv.sqlite");
        let kv = SqliteKv::open(&path, "MA", None).unwrap();
        assert!(!path.exists() && !path.parent().unwrap().exists());
        assert_eq!(kv.get("b", "k").unwrap(), None);
        assert!(path.is_file());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
    }

    fn exercise(kv: &dyn KvBackend) {
        kv.open("b").unwrap();
        assert_eq!(kv.get("b", "k").unwrap(), None);
        kv.set("b", "k", b"v").unwrap();
        assert_eq!(kv.get("b", "k").unwrap(), Some(b"v".to_vec()));
        assert_eq!(
            kv.get("other", "k").unwrap(),
            None,
            "buckets are namespaces"
        );
        assert_eq!(kv.increment("b", "n", 2).unwrap(), 2);
        assert_eq!(kv.increment("b", "n", 40).unwrap(), 42);
        assert_eq!(kv.get("b", "n").unwrap(), Some(b"42".to_vec()));
        assert!(kv.increment("b", "k", 1).is_err(), "not a counter");
        for i in 0..150 {
            kv.set("many", &format!("k{i:03}"), b"x").unwrap();
        }
        let (first, next) = kv.list_keys("many", 0).unwrap();
        assert_eq!((first.len(), next), (100, Some(100)));
        let (rest, next) = kv.list_keys("many", 100).unwrap();
        assert_eq!((rest.len(), next), (50, None));
        assert_eq!(rest[0], "k100");
        kv.delete("b", "k").unwrap();
        assert_eq!(kv.get("b", "k").unwrap(), None);
        // The console's read-only view.
        kv.set("b", "long", b"0123456789").unwrap();
        let buckets = kv.buckets().unwrap();
        assert!(
            buckets.starts_with(&["b".to_string(), "many".to_string()]),
            "{buckets:?}"
        );
        let (entries, next) = kv.peek("b", 0, 4).unwrap();
        assert_eq!(next, None);
        assert_eq!(
            entries,
            [
                KvEntry {
                    key: "long".into(),
                    value: b"0123".to_vec(),
                    len: 10
                },
                KvEntry {
                    key: "n".into(),
                    value: b"42".to_vec(),
                    len: 2
                }
            ]
        );
        let (page_two, next) = kv.peek("many", 100, 1).unwrap();
        assert_eq!((page_two.len(), next), (50, None));
        assert_eq!(kv.peek("absent", 0, 4).unwrap(), (vec![], None));
        assert_eq!(kv.buckets().unwrap(), buckets, "peeking created nothing");
    }

    #[test]
    fn memory_and_sqlite_behave_alike() {
        exercise(&MemoryKv::new());
        let dir = tempfile::tempdir().unwrap();
        exercise(&SqliteKv::open(&dir.path().join("kv.sqlite"), "MA", None).unwrap());
    }

    #[test]
    fn a_seeded_memory_store_has_only_its_buckets() {
        let dir = tempfile::tempdir().unwrap();
        let seed = dir.path().join("seed.json");
        std::fs::write(
            &seed,
            r#"{"app": {"greeting": "hi", "raw": {"base64": "AAE="}}}"#,
        )
        .unwrap();
        let kv = MemoryKv::seeded(&seed).unwrap();
        assert_eq!(kv.get("app", "greeting").unwrap(), Some(b"hi".to_vec()));
        assert_eq!(kv.get("app", "raw").unwrap(), Some(vec![0, 1]));
        assert_eq!(kv.open("nope"), Err(KvError::NoSuchStore));
        assert_eq!(
            kv.dump(),
            serde_json::json!({"app": {"greeting": "hi", "raw": {"base64": "AAE="}}})
        );
    }
}
