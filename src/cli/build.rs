//! `wzt build`: build the project here, sign the artifact with the project's settings, and
//! verify what was written.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Args;

use super::keysource::KeyOpts;
use super::output::{self, escape};
use super::{Ctx, Outcome};
use crate::caps::Grants;
use crate::fsutil::{CheckedFile, Existing, FileRules};
use crate::policy::Policy;
use crate::project::{BuildError, BuildOutput, Profile, Project};
use crate::provenance::{self, ClaimsRecord, Recorded, facts::BuildFacts};
use crate::sign::sign_file;
use crate::verify::{Rejection, admit};

/// Build the project here, sign the artifact, and verify the signed file.
///
/// Runs the project's build command (`[build] command` of wzt.toml; with --release its
/// `release_command` when it has one), signs the artifact with the project's claims and keys
/// as `wzt sign` without FILE does (keys and seeds are found the same way, and an unattended
/// build never creates an issuer key unless --generate-keys), and verifies the signed file:
/// signature, module hash and validity, with the signing issuer trusted (check it against a
/// trust policy with `wzt verify`). Then writes its provenance beside it, <stem>_s.intoto.json:
/// an in-toto statement (SLSA provenance: the git source and whether the tree was clean, the
/// build command and wzt.toml settings, Cargo.lock's digest, rustc and target, the crates a
/// cargo-auditable build lists) in a DSSE envelope signed by the same account key. The build
/// command's output (the compiler's progress, warnings and colors) passes through on stderr as
/// it runs; with --json it is captured and shown only when the build fails. Exit 1 when the
/// build fails or the signed file does not verify.
#[derive(Debug, Args)]
pub struct Opts {
    /// Run the project's `build.release_command` (without one, its build command, which in
    /// the templates builds in release mode already).
    #[arg(long)]
    release: bool,
    #[command(flatten)]
    keys: KeyOpts,
    #[command(flatten)]
    pub(super) format: super::output::FormatOpt,
}

/// `wzt build --json` (field names are stable: README).
#[derive(serde::Serialize)]
struct BuiltJson<'a> {
    artifact: &'a std::path::Path,
    signed: &'a std::path::Path,
    kind: crate::wasm::ArtifactKind,
    module_hash: &'a str,
    issuer: &'a str,
    subject: &'a str,
    name: Option<&'a str>,
    ver: Option<&'a str>,
    caps: &'a [String],
    build_seconds: f64,
    provenance: &'a std::path::Path,
}

/// `wzt run --build`: the default build of the project in `dir`, reported on stderr in one
/// line (stdout is the run's).
pub fn build_for_run(ctx: &Ctx, dir: &std::path::Path) -> anyhow::Result<Outcome> {
    let opts = Opts {
        release: false,
        keys: KeyOpts::default(),
        format: Default::default(),
    };
    opts.build(ctx, true, dir)
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        self.build(ctx, false, &std::env::current_dir()?)
    }

    fn build(&self, ctx: &Ctx, for_run: bool, dir: &std::path::Path) -> anyhow::Result<Outcome> {
        let project = Project::find(dir)?.context(
            "no wzt.toml in this directory or above: `wzt build` builds a project (create one with `wzt new`); to sign a .wasm you built yourself, use `wzt sign FILE`",
        )?;
        let profile = if self.release {
            Profile::Release
        } else {
            Profile::Default
        };
        let (command, own) = project.build_command(profile);
        if self.release && !own {
            eprintln!(
                "note: wzt.toml has no build.release_command; running its build command `{}`",
                escape(command)
            );
        }
        // Keys before the build: a missing key fails in a second, not after a long compile.
        let store = ctx.store()?;
        let issuer = self.keys.issuer(ctx, &store, project.issuer())?;
        let spec = project.claims_spec(crate::time::now())?;

        // The compiler's output passes through as it comes (progress, warnings, colors), on
        // stderr; with --json it is captured (stdout is the JSON) and shown only on failure,
        // escaped, while a spinner says what runs.
        let output = if ctx.json && !for_run {
            BuildOutput::Captured
        } else {
            eprintln!("wzt: building: {}", escape(command));
            BuildOutput::Live {
                color: !ctx.no_color,
            }
        };
        let spinner = (output == BuildOutput::Captured && ctx.stderr_is_terminal).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .expect("a valid template"),
            );
            bar.set_message(format!("building: {}", escape(command)));
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        });
        let started = Instant::now();
        // The source is read before the build can change it (docs/design.md §15).
        let mut facts = BuildFacts::start(&project, profile, crate::time::now());
        let built = project.run_build(profile, output);
        if let Some(bar) = spinner {
            bar.finish_and_clear();
        }
        let artifact = match built {
            Ok(artifact) => artifact,
            Err(e @ (BuildError::Failed { .. } | BuildError::NoArtifact { .. })) => {
                // Captured compiler output: its lines kept, each escaped.
                eprintln!("error: {}", crate::text::escape_lines(&e.to_string(), ""));
                return Ok(Outcome::CheckFailed);
            }
            Err(e) => return Err(e.into()),
        };
        let build_time = started.elapsed();

        let subject = self.keys.subject(&store, &project.subject_key_name()?)?;
        let signed_path = project.signed_artifact()?;
        let signed = sign_file(
            &artifact,
            &signed_path,
            Existing::Replace,
            &spec,
            &issuer,
            &subject,
        )
        .map_err(crate::project::explain_sign_error)
        .with_context(|| format!("cannot sign {}", artifact.path().display()))?;
        let artifact = artifact.path();

        // Verify what is on disk now, not what was meant to be written.
        let bytes = CheckedFile::open(&signed_path, FileRules::own(crate::wasm::MAX_ARTIFACT_LEN))
            .and_then(|file| file.read_all())
            .with_context(|| format!("cannot read {}", signed_path.display()))?;
        let policy = Policy {
            trusted_issuers: vec![issuer.public_key().to_string()],
            ..Policy::default()
        };
        let admitted = match admit(bytes, &policy, crate::time::now(), Grants::none()) {
            Ok(admitted) => admitted,
            Err(Rejection::Failed(failures)) => {
                output::print_failures(
                    &format!("error: {} does not verify:", signed_path.display()),
                    &failures,
                );
                return Ok(Outcome::CheckFailed);
            }
            Err(e) => return Err(e.into()),
        };

        let claims = &signed.claims;
        facts.finish(&project, crate::time::now());
        let (provenance_path, recorded) =
            write_provenance(&signed_path, artifact, &admitted, &facts, claims, &issuer)?;
        if let Some(e) = &recorded.deps_error {
            eprintln!("wzt: warning: the artifact's dependency list is not recorded: {e}");
        }
        if for_run {
            eprintln!(
                "wzt: built and signed {} in {:.1?}",
                signed_path.display(),
                build_time
            );
        } else if ctx.json {
            output::print_json(&BuiltJson {
                artifact,
                signed: &signed_path,
                kind: signed.kind,
                module_hash: admitted.module_hash(),
                issuer: &claims.issuer,
                subject: &claims.subject,
                name: claims.metadata.name.as_deref(),
                ver: claims.metadata.ver.as_deref(),
                caps: claims.caps(),
                build_seconds: build_time.as_secs_f64(),
                provenance: &provenance_path,
            });
        } else {
            println!(
                "Built and signed {} ({}, {:.1?}): {}",
                signed_path.display(),
                signed.kind,
                build_time,
                output::claims_line(Some(claims))
            );
            println!(
                "  name {}, version {}",
                escape(claims.metadata.name.as_deref().unwrap_or("-")),
                escape(claims.metadata.ver.as_deref().unwrap_or("-"))
            );
            println!("  issuer  {}", claims.issuer);
            println!("  subject {}", claims.subject);
            println!("  grants: {}", super::sign::report::grants_text(&signed));
            println!("  verified: signature, module hash and validity");
            println!(
                "  provenance: {} ({})",
                provenance_path.display(),
                source_text(&facts, recorded.crates)
            );
        }
        super::sign::report::print_warnings(artifact, &signed, "caps in wzt.toml");
        Ok(Outcome::Success)
    }
}

/// Signs the build's provenance with the issuer and writes it beside the signed artifact
/// (`<stem>_s.intoto.json`), atomically.
fn write_provenance(
    signed_path: &std::path::Path,
    artifact: &std::path::Path,
    admitted: &crate::verify::Admitted,
    facts: &BuildFacts,
    claims: &crate::claims::Claims,
    issuer: &crate::keys::Key,
) -> anyhow::Result<(std::path::PathBuf, Recorded)> {
    let name = |p: &std::path::Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let recorded = provenance::for_build(
        &name(signed_path),
        admitted.bytes(),
        &name(artifact),
        admitted.module_hash(),
        facts,
        Some(&ClaimsRecord {
            jti: claims.id.clone(),
            issuer: claims.issuer.clone(),
            subject: claims.subject.clone(),
        }),
        issuer,
    )?;
    let path = provenance::path_for(signed_path);
    let json = recorded.envelope.to_json();
    crate::fsutil::write_atomically(&path, None, Existing::Replace, |w| {
        std::io::Write::write_all(w, &json)
    })
    .with_context(|| format!("cannot write {}", path.display()))?;
    Ok((path, recorded))
}

/// What the provenance says about the source, for the summary line.
fn source_text(facts: &BuildFacts, crates: Option<usize>) -> String {
    let source = match &facts.source {
        None => "not in a git checkout: no source recorded".to_string(),
        Some(s) => format!(
            "{}{}, {}",
            escape(s.repository.as_deref().unwrap_or("no remote")),
            s.commit
                .as_deref()
                .map(|c| format!(" @ {}", c.chars().take(12).collect::<String>()))
                .unwrap_or_else(|| " (no commit)".into()),
            if s.clean {
                "clean"
            } else {
                "uncommitted changes"
            }
        ),
    };
    match crates {
        Some(n) => format!("{source}; {n} crates listed"),
        None => source,
    }
}
