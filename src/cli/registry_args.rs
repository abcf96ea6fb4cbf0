//! What the commands that talk to a registry share: the registry flags (`push`, `pull`, and
//! `run`, `inspect`, `verify` for `oci://` references), credentials, the blob cache, the
//! progress bar, and turning registry errors into escaped messages and exit codes.

use std::path::Path;

use anyhow::Context as _;
use clap::Args;

use super::Ctx;
use super::output::escape;
use super::provenance_args::LastFetch;
use crate::registry::{
    self, BlobCache, Credentials, Fetched, ImageRef, LayerSource, Progress, Registry, auth,
};

/// Registry connection flags.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Registry")]
pub struct RegistryOpts {
    /// Speak plain HTTP to the registry (a loopback registry gets plain HTTP without it; any
    /// other gets HTTPS).
    #[arg(long)]
    pub insecure: bool,
    /// Registry user name, with --password-stdin [default: the docker config file's entry
    /// for the registry, else anonymous].
    #[arg(long, requires = "password_stdin", value_name = "USER")]
    pub username: Option<String>,
    /// Read the registry password (or token) for --username from standard input. It is
    /// used for one registry only: the first one a command contacts.
    #[arg(long, requires = "username")]
    pub password_stdin: bool,
    /// The most one push or fetch may take in all, e.g. 10m (a registry that trickles bytes
    /// is cut off).
    #[arg(long, default_value = "10m", value_name = "DURATION", value_parser = parse_registry_timeout)]
    pub registry_timeout: std::time::Duration,
    /// The password, once read, with the registry it is for (standard input is read once).
    #[arg(skip)]
    password: ReadOnce,
    /// What [`RegistryOpts::fetch`] fetched last: the provenance of `oci://REF` is the
    /// referrer of that very manifest.
    #[arg(skip)]
    pub(super) fetched: LastFetch,
}

impl Default for RegistryOpts {
    fn default() -> RegistryOpts {
        RegistryOpts {
            insecure: false,
            username: None,
            password_stdin: false,
            registry_timeout: registry::DEFAULT_DEADLINE,
            password: ReadOnce::default(),
            fetched: LastFetch::default(),
        }
    }
}

/// `--registry-timeout`: a duration of at least one second.
fn parse_registry_timeout(text: &str) -> Result<std::time::Duration, String> {
    let duration = crate::time::parse_std_duration(text)?;
    if duration < std::time::Duration::from_secs(1) {
        return Err("the registry timeout must be at least 1s".into());
    }
    Ok(duration)
}

/// A password read once, and the registry it was read for; its `Debug` never shows it.
#[derive(Clone, Default)]
struct ReadOnce(std::sync::OnceLock<(String, String)>);

impl std::fmt::Debug for ReadOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadOnce(…)")
    }
}

/// A fetch that did not produce bytes: a failed check (exit 1) or an error (exit 2).
pub enum FetchFailure {
    Check(anyhow::Error),
    Error(anyhow::Error),
}

impl RegistryOpts {
    /// Credentials for `reference`'s registry: the flags, else the docker config file's entry,
    /// else anonymous (with a note when the file has one wzt cannot use).
    pub fn credentials(&self, reference: &ImageRef) -> anyhow::Result<Credentials> {
        if let Some(username) = &self.username {
            let password = match self.password.0.get() {
                // Flag credentials belong to one registry: never sent to a second one.
                Some((registry, _)) if registry != reference.registry() => anyhow::bail!(
                    "--username/--password-stdin are for {}, and {} is another registry; give its credentials in the docker config file, or run one command per registry",
                    escape(registry),
                    escape(reference.registry())
                ),
                Some((_, password)) => password.clone(),
                None => {
                    let bytes = super::keysource::secret_from_stdin("the password")
                        .context("--password-stdin")?;
                    let text = std::str::from_utf8(&bytes)
                        .map_err(|_| anyhow::anyhow!("--password-stdin: it is not UTF-8 text"))?;
                    let password = text
                        .strip_suffix('\n')
                        .map(|p| p.strip_suffix('\r').unwrap_or(p))
                        .unwrap_or(text)
                        .to_string();
                    anyhow::ensure!(
                        !password.is_empty(),
                        "--password-stdin: standard input holds no password"
                    );
                    self.password
                        .0
                        .get_or_init(|| (reference.registry().to_string(), password))
                        .1
                        .clone()
                }
            };
            return Ok(Credentials::Basic {
                username: username.clone(),
                password,
            });
        }
        match auth::from_docker_config(reference.registry())? {
            auth::Lookup::Found(credentials) => Ok(credentials),
            auth::Lookup::None => Ok(Credentials::Anonymous),
            auth::Lookup::Unsupported(what) => {
                eprintln!(
                    "wzt: the docker config file holds {}; going anonymous",
                    escape(&what)
                );
                Ok(Credentials::Anonymous)
            }
        }
    }

    /// A client for `reference`'s registry.
    pub fn connect(&self, reference: &ImageRef) -> anyhow::Result<Registry> {
        let options = registry::Options {
            insecure: self.insecure,
            credentials: self.credentials(reference)?,
            deadline: self.registry_timeout,
        };
        Registry::new(reference, &options).map_err(registry_error)
    }

    /// Fetches `oci://REF` through the blob cache: digest-checked bytes, not yet verified
    /// (the caller admits or examines them). Says on stderr where the layer came from.
    pub fn fetch(&self, ctx: &Ctx, text: &str) -> Result<Fetched, FetchFailure> {
        let reference = parse_ref(text).map_err(FetchFailure::Error)?;
        let registry = self.connect(&reference).map_err(FetchFailure::Error)?;
        let cache = open_cache();
        let bar = ProgressBar::new(ctx);
        let fetched = runtime()
            .map_err(FetchFailure::Error)?
            .block_on(registry.fetch(&reference, cache.as_ref(), &bar));
        match fetched {
            Ok(fetched) => {
                report_fetch(&fetched.info);
                self.fetched
                    .record(text, reference, fetched.info.manifest_digest.clone());
                Ok(fetched)
            }
            Err(e) if e.is_check_failure() => Err(FetchFailure::Check(registry_error(e))),
            Err(e) => Err(FetchFailure::Error(registry_error(e))),
        }
    }
}

/// `Some(REF)` when a command-line artifact is `oci://REF` rather than a file.
pub fn oci_reference(path: &Path) -> Option<&str> {
    path.to_str().filter(|p| p.starts_with("oci://"))
}

/// Parses a reference (input error when it is not one).
pub fn parse_ref(text: &str) -> anyhow::Result<ImageRef> {
    ImageRef::parse(text).map_err(|e| anyhow::anyhow!(escape(&e.to_string())))
}

/// The user's blob cache, or none (with a note) when it cannot be used.
pub fn open_cache() -> Option<BlobCache> {
    match BlobCache::open_default() {
        Ok(cache) => Some(cache),
        Err(e) => {
            eprintln!("wzt: {e}; fetching without the blob cache");
            None
        }
    }
}

/// A small runtime for registry calls.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// A registry error as a message for the terminal: the whole chain, escaped (it may hold what
/// the registry sent); a registry that cannot be reached is said once, with its address and
/// what to check.
pub fn registry_error(e: impl Into<anyhow::Error>) -> anyhow::Error {
    let e = e.into();
    if let Some(message) = super::fixes::unreachable_registry(&e) {
        return anyhow::anyhow!(escape(&message));
    }
    anyhow::anyhow!(escape(&format!("{e:#}")))
}

/// One line on stderr saying what was fetched and from where.
pub fn report_fetch(info: &registry::FetchInfo) {
    let from = match &info.layer_source {
        LayerSource::Registry => "downloaded".to_string(),
        LayerSource::Cache => "from the blob cache".to_string(),
        LayerSource::RefetchedFromRegistry(why) => {
            format!("downloaded again: the cached copy was refused ({why})")
        }
    };
    eprintln!(
        "wzt: fetched {} ({}, {from})",
        escape(&info.pinned),
        size_text(info.layer_size)
    );
}

/// `1.2 MiB`, `34 KiB`, `12 bytes`.
pub fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Layers at least this large get a progress bar (on a terminal).
const PROGRESS_THRESHOLD: u64 = 4 << 20;

/// A download progress bar on stderr, only on a terminal and for large layers.
pub struct ProgressBar {
    enabled: bool,
    bar: std::sync::Mutex<Option<indicatif::ProgressBar>>,
}

impl ProgressBar {
    pub fn new(ctx: &Ctx) -> ProgressBar {
        ProgressBar {
            enabled: ctx.stderr_is_terminal,
            bar: std::sync::Mutex::new(None),
        }
    }

    fn with(&self, f: impl FnOnce(&mut Option<indicatif::ProgressBar>)) {
        let mut bar = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut bar);
    }
}

impl Progress for ProgressBar {
    fn start(&self, total: u64) {
        if self.enabled && total >= PROGRESS_THRESHOLD {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {bytes}/{total_bytes} {bytes_per_sec}",
                )
                .expect("a valid template"),
            );
            self.with(|b| *b = Some(bar));
        }
    }

    fn advance(&self, n: u64) {
        self.with(|b| {
            if let Some(bar) = b {
                bar.inc(n);
            }
        });
    }

    fn finish(&self) {
        self.with(|b| {
            if let Some(bar) = b.take() {
                bar.finish_and_clear();
            }
        });
    }
}
