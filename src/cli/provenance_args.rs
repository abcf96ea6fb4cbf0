//! Finding and checking an artifact's provenance for the commands that judge one (`verify`,
//! `run`, `push`): `--provenance FILE`, else `<stem>.intoto.json` beside the file, else, for
//! `oci://REF`, the registry's in-toto referrer of the fetched manifest. Checked only when the
//! policy has a provenance rule or `--provenance` names a file (docs/design.md §15).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context as _, bail};
use clap::Args;

use super::registry_args::{self, RegistryOpts, oci_reference};
use super::{Outcome, output};
use crate::policy::Policy;
use crate::provenance::{self, CheckedProvenance};
use crate::registry::{Digest, ImageRef};
use crate::text::escape;
use crate::verify::Failure;

/// The provenance flag.
#[derive(Debug, Clone, Default, Args)]
pub struct ProvenanceOpts {
    /// The artifact's provenance (a DSSE-signed in-toto statement) [default:
    /// <stem>.intoto.json beside the file; for oci://REF, the registry's referrer]. Checked
    /// when given, and whenever the policy requires provenance.
    #[arg(long, value_name = "FILE")]
    pub provenance: Option<PathBuf>,
}

/// What `RegistryOpts::fetch` fetched last (the reference text as given, the reference, the
/// manifest digest): the provenance of `oci://REF` is the referrer of that very manifest.
#[derive(Default)]
pub struct LastFetch(Mutex<Option<Box<(String, ImageRef, Digest)>>>);

impl LastFetch {
    pub fn record(&self, text: &str, reference: ImageRef, manifest: Digest) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Box::new((text.to_string(), reference, manifest)));
    }

    /// The reference and manifest digest of the last fetch of `text`.
    pub fn get(&self, text: &str) -> Option<(ImageRef, Digest)> {
        let last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        last.as_deref()
            .filter(|(t, _, _)| t == text)
            .map(|(_, r, d)| (r.clone(), d.clone()))
    }
}

impl Clone for LastFetch {
    fn clone(&self) -> LastFetch {
        LastFetch(Mutex::new(
            self.0.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        ))
    }
}

impl std::fmt::Debug for LastFetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LastFetch(…)")
    }
}

/// A provenance found: where it came from, and its bytes.
type Candidate = (String, Vec<u8>);

/// A provenance that passed, as `verify --json` shows it.
#[derive(Debug, serde::Serialize)]
pub struct ProvenanceJson {
    location: String,
    signer: String,
    build_type: String,
    source: Option<crate::provenance::statement::SourceRecord>,
}

/// What the provenance check of one artifact found.
#[derive(Debug, Default)]
pub struct Verdict {
    pub failures: Vec<Failure>,
    /// Where the provenance that passed came from, and what it says.
    pub checked: Option<(String, CheckedProvenance)>,
    /// The envelope that passed, as read.
    pub envelope: Option<Vec<u8>>,
}

impl Verdict {
    /// `provenance` in `verify --json`: `null`, or where it came from, who signed it and the
    /// source it names.
    pub fn json(&self) -> Option<ProvenanceJson> {
        let (location, checked) = self.checked.as_ref()?;
        Some(ProvenanceJson {
            location: location.clone(),
            signer: checked.signer.clone(),
            build_type: checked
                .statement
                .predicate
                .build_definition
                .build_type
                .clone(),
            source: checked.statement.source().ok().flatten(),
        })
    }

    /// One line for a person: `provenance: WHERE (signed by A…, source URL@COMMIT, clean)`.
    pub fn line(&self) -> Option<String> {
        let (location, checked) = self.checked.as_ref()?;
        let source = match checked.statement.source().ok().flatten() {
            Some(s) => format!(
                "source {}{}{}",
                escape(s.repository.as_deref().unwrap_or("(no remote)")),
                s.commit
                    .as_deref()
                    .map(|c| format!(" @ {}", escape(&c.chars().take(12).collect::<String>())))
                    .unwrap_or_default(),
                match s.clean {
                    Some(true) => ", clean",
                    Some(false) => ", uncommitted changes",
                    None => "",
                }
            ),
            None => "no source recorded".into(),
        };
        Some(format!(
            "provenance: {} (signed by {}, {source})",
            escape(location),
            checked.signer
        ))
    }
}

impl ProvenanceOpts {
    /// Checks the provenance of the artifact `artifact` (a path or `oci://REF`, fetched
    /// through `registry` just before) whose SHA-256 is `sha256` (lower-case hex), under
    /// `policy`. Nothing is looked at when the policy has no provenance rule and no
    /// `--provenance` was given. A provenance that cannot be read (a directory, a FIFO), or a
    /// registry that fails, is an error; a missing or failing one, failures.
    pub fn check(
        &self,
        artifact: &Path,
        registry: &RegistryOpts,
        sha256: &str,
        policy: &Policy,
    ) -> anyhow::Result<Verdict> {
        if !policy.requires_provenance() && self.provenance.is_none() {
            return Ok(Verdict::default());
        }
        self.find_and_check(artifact, registry, sha256, policy)
    }

    /// Looks for the provenance and checks what it finds under `policy`, whatever the policy
    /// says (`push` uploads a provenance beside the file only once it checked); finding none
    /// fails only when the policy requires one.
    pub fn find_and_check(
        &self,
        artifact: &Path,
        registry: &RegistryOpts,
        sha256: &str,
        policy: &Policy,
    ) -> anyhow::Result<Verdict> {
        let (candidates, looked, refused): (Vec<Candidate>, String, Vec<String>) =
            match (&self.provenance, oci_reference(artifact)) {
                (Some(file), _) => {
                    let bytes = provenance::read_file(file)
                        .with_context(|| format!("cannot read {}", file.display()))?
                        .with_context(|| {
                            format!("--provenance: {} does not exist", file.display())
                        })?;
                    (
                        vec![(file.display().to_string(), bytes)],
                        String::new(),
                        vec![],
                    )
                }
                (None, Some(text)) => {
                    let (reference, manifest) = registry
                        .fetched
                        .get(text)
                        .with_context(|| format!("{} was not fetched", escape(text)))?;
                    let found = registry_args::runtime()?
                        .block_on(
                            registry
                                .connect(&reference)?
                                .fetch_provenance(&reference, &manifest),
                        )
                        .map_err(registry_args::registry_error)?;
                    let pinned = reference.pinned(&manifest);
                    let looked = format!(
                        "no {} referrer of {pinned}",
                        crate::registry::referrers::IN_TOTO_ARTIFACT_TYPE
                    );
                    let candidates = found
                        .envelopes
                        .into_iter()
                        .map(|(digest, bytes)| {
                            (format!("oci://{}", reference.pinned(&digest)), bytes)
                        })
                        .collect();
                    (candidates, looked, found.refused)
                }
                (None, None) => {
                    let beside = provenance::path_for(artifact);
                    let bytes = provenance::read_file(&beside)
                        .with_context(|| format!("cannot read {}", beside.display()))?;
                    let looked = format!("{} does not exist", beside.display());
                    (
                        bytes
                            .map(|b| (beside.display().to_string(), b))
                            .into_iter()
                            .collect(),
                        looked,
                        vec![],
                    )
                }
            };
        if candidates.is_empty() && !policy.requires_provenance() {
            return Ok(Verdict::default());
        }
        match provenance::evaluate_candidates(
            candidates.iter().map(|(_, b)| b.as_slice()),
            &looked,
            &refused,
            sha256,
            policy,
        ) {
            Ok(i) => {
                let (location, bytes) = &candidates[i];
                let checked = provenance::check(bytes, sha256, policy)
                    .map_err(|_| anyhow::anyhow!("the provenance changed while it was checked"))?;
                Ok(Verdict {
                    failures: Vec::new(),
                    checked: Some((location.clone(), checked)),
                    envelope: Some(bytes.clone()),
                })
            }
            Err(failures) => Ok(Verdict {
                failures: failures.into_iter().map(Failure::Provenance).collect(),
                ..Verdict::default()
            }),
        }
    }

    /// For `run`, right after admission: `Some(exit 1)` (the reasons printed) when the
    /// provenance fails the policy.
    pub fn refuse_unless_checked(
        &self,
        actor: &Path,
        registry: &RegistryOpts,
        admitted: &crate::verify::Admitted,
        policy: &Policy,
    ) -> anyhow::Result<Option<Outcome>> {
        let sha256 = provenance::sha256_hex(admitted.bytes());
        let verdict = self.check(actor, registry, &sha256, policy)?;
        if verdict.failures.is_empty() {
            return Ok(None);
        }
        output::print_failures(
            &format!("refusing to run {}:", actor.display()),
            &verdict.failures,
        );
        Ok(Some(Outcome::CheckFailed))
    }
}

/// Lower-case hex SHA-256 of everything `reader` holds (read from the start).
pub fn sha256_of(reader: &mut dyn super::artifact::Source) -> anyhow::Result<String> {
    use sha2::Digest as _;
    reader.seek(std::io::SeekFrom::Start(0))?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(crate::provenance::facts::hex(&hasher.finalize()))
}

/// `--provenance` names one artifact's provenance: refused with several FILEs.
pub fn one_artifact_only(opts: &ProvenanceOpts, files: usize) -> anyhow::Result<()> {
    if opts.provenance.is_some() && files > 1 {
        bail!("--provenance names the provenance of one artifact; verify the files one at a time");
    }
    Ok(())
}
