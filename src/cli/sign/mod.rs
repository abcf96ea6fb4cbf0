//! `wzt sign`: embed signed claims in one or more modules or components.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;

use super::keysource::{self, KeyOpts};
use super::output;
use super::{Ctx, Outcome};
use crate::fsutil::Existing;
use crate::keys::{self, Key, KeyRole, KeyStore};
use crate::project::Project;
use crate::scopes::ScopeKind;
use crate::sign::{ClaimsSpec, Signed, sign_file};

mod batch;
pub(super) mod report;
mod spec;

/// A signing error as the person needs it: inside a project without `--caps`, the grants
/// missing are set in wzt.toml's `caps`.
fn explain(e: anyhow::Error, project_mode: bool) -> anyhow::Error {
    match e.downcast::<crate::sign::SignError>() {
        Ok(crate::sign::SignError::GrantsNotStated { needs, suggested }) if project_mode => {
            crate::project::caps_not_stated(&needs, &suggested).into()
        }
        Ok(other) => other.into(),
        Err(e) => e,
    }
}

/// `--scope KIND=VALUE`.
fn parse_scope(text: &str) -> Result<(ScopeKind, String), String> {
    crate::scopes::parse_flag(text).map_err(|e| e.to_string())
}

/// The largest trace file `--scopes-from` reads.
const MAX_TRACE_FILE: u64 = 256 << 20;

/// Sign modules or components: embed claims signed by an account key.
///
/// The output holds the input without any old signature plus exactly one new signature
/// section. Without --issuer the store key `account` signs; without --subject each file gets
/// the store key `<stem>_module`. A missing `<stem>_module` key is generated; a missing
/// issuer key is generated only on a terminal outside CI (unattended, with CI set or stdin not a
/// terminal, it is an error unless --generate-keys: a key made there would be thrown away with
/// the machine). Every input is checked before any key is created or any file written.
/// Without FILE, inside a project, the artifact and values of `wzt.toml` are used (flags
/// override them). Also `wzt claims sign`.
#[derive(Debug, Clone, Args)]
pub struct Opts {
    /// The .wasm files to sign [default: the artifact of the wzt.toml project here].
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Capabilities to grant, comma separated, repeatable: aliases (http, httpclient, kv, msg,
    /// log, blob, config, fs, net, rand), contract ids, `auto` for exactly what the artifact
    /// imports, or `none` for no grants. Required for an artifact that imports or exports
    /// something a capability covers (signed without grants, it could not run).
    #[arg(long, short = 'c', value_delimiter = ',', value_name = "CAPS")]
    caps: Vec<String>,
    /// Actor name [default: the file stem].
    #[arg(long, short = 'n')]
    name: Option<String>,
    /// Human-friendly version, e.g. 1.2.0 (no short flag: `-v` reads as "verbose").
    #[arg(long)]
    ver: Option<String>,
    /// Revision number.
    #[arg(long, short = 'r', allow_negative_numbers = true)]
    rev: Option<i32>,
    /// A tag (repeatable; no short flag: `-t` is `wzt new --template`).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Alias to call the actor by: lower-case letters, digits, '_' and '/'.
    #[arg(long)]
    call_alias: Option<String>,
    /// When the claims expire: a duration from now (90m, 12h, 30d) or an RFC 3339 time.
    #[arg(long, short = 'x', value_name = "WHEN")]
    expires: Option<String>,
    /// When the claims become valid: a duration from now or an RFC 3339 time.
    #[arg(long, short = 'b', value_name = "WHEN")]
    not_before: Option<String>,
    /// Scope a granted capability to one resource, KIND=VALUE (repeatable): kv.bucket=app,
    /// httpclient.host=api.example.com:443 (`[scheme://]host[:port]`, `*.` wildcard),
    /// msg.publish='orders.>' or msg.subscribe=greet (NATS wildcards), config.key=greeting.
    /// Replaces the project's [actor.scopes].
    #[arg(long = "scope", value_name = "KIND=VALUE", value_parser = parse_scope)]
    scopes: Vec<(ScopeKind, String)>,
    /// Scope the grants to exactly the resources this trace shows used (a --trace-file of
    /// `wzt run` or `wzt dev`); a granted capability the trace never used reaches nothing.
    #[arg(long, value_name = "TRACE.jsonl", conflicts_with = "scopes")]
    scopes_from: Option<PathBuf>,
    #[command(flatten)]
    keys: KeyOpts,
    /// Output file (one input only) [default: <stem>_s.wasm beside the input].
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        conflicts_with_all = ["out_dir", "in_place"],
        help_heading = "Output"
    )]
    output: Option<PathBuf>,
    /// Write outputs to this directory, as <stem>_s.wasm.
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with = "in_place",
        help_heading = "Output"
    )]
    out_dir: Option<PathBuf>,
    /// Replace each input with its signed version.
    #[arg(long, help_heading = "Output")]
    in_place: bool,
}

impl Opts {
    pub fn run(mut self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let now = crate::time::now();
        // Inside a project and without FILE: its artifact, claims and issuer; flags override.
        let (project, project_spec, default_issuer) = if self.files.is_empty() {
            let cwd = std::env::current_dir()?;
            let project = Project::find(&cwd)?.context(
                "no FILE given and no wzt.toml in this directory or above: name the .wasm to sign, or run inside a project (`wzt new`)",
            )?;
            let artifact = project.artifact();
            if std::fs::symlink_metadata(&artifact).is_err() {
                bail!(
                    "the project's artifact {} does not exist; build it first: {}",
                    artifact.display(),
                    project.file.build.command
                );
            }
            self.files = vec![artifact];
            let spec = project.claims_spec(now)?;
            let issuer = project.issuer().to_string();
            (Some(project), Some(spec), issuer)
        } else {
            (None, None, "account".to_string())
        };
        if self.output.is_some() && self.files.len() > 1 {
            bail!("-o/--output takes one input; use --out-dir for several");
        }
        if self.keys.issuer.as_deref() == Some("-") && self.keys.subject.as_deref() == Some("-") {
            bail!("--issuer and --subject cannot both read standard input");
        }
        if let Some(output) = &self.output {
            report::check_output_name(ctx, output)?;
        }
        let store = ctx.store()?;
        let project_mode = project_spec.is_some();
        let spec = self.claims_spec(now, project_spec)?;
        // Every input is checked before any key is loaded or created or any file written: a
        // bad input must not leave a new key behind.
        let trace = match &self.scopes_from {
            Some(path) => Some(
                crate::fsutil::read_named_text(path, MAX_TRACE_FILE)
                    .with_context(|| "--scopes-from".to_string())?,
            ),
            None => None,
        };
        let checked: Vec<(PathBuf, anyhow::Result<ClaimsSpec>)> = self
            .files
            .iter()
            .map(|input| {
                let trace = self.scopes_from.as_deref().zip(trace.as_deref());
                let plan = report::plan_input(input, project.as_ref(), &spec, trace);
                (input.clone(), plan)
            })
            .collect();
        let any_good = checked.iter().any(|(_, c)| c.is_ok());
        let (issuer, explicit_subject) = if any_good {
            (
                Some(self.keys.issuer(ctx, &store, &default_issuer)?),
                keysource::explicit_subject(&store, self.keys.subject.as_deref())?,
            )
        } else {
            (None, None)
        };
        if let Some(dir) = &self.out_dir
            && any_good
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create output directory {}", dir.display()))?;
        }

        // Each file's module key before any progress is drawn: a notice of a key made here, or
        // a passphrase asked, is not drawn over.
        let subjects: std::collections::HashMap<&Path, anyhow::Result<Key>> = checked
            .iter()
            .filter(|(_, check)| check.is_ok() && explicit_subject.is_none())
            .map(|(input, _)| (input.as_path(), self.module_key(&store, input)))
            .collect();
        let results = batch::sign_all(ctx, &checked, |input, spec| {
            let issuer = issuer
                .as_ref()
                .expect("an issuer is loaded when any input is good");
            let subject = match (&explicit_subject, subjects.get(input)) {
                (Some(subject), _) => subject,
                (None, Some(Ok(subject))) => subject,
                (None, Some(Err(e))) => anyhow::bail!("{e:#}"),
                (None, None) => unreachable!("a module key is loaded for each good input"),
            };
            self.sign_one(input, project.as_ref(), spec, issuer, subject)
                .map_err(|e| explain(e, project_mode))
        });
        let outcome = if results.iter().all(batch::SignJson::is_ok) {
            Outcome::Success
        } else {
            Outcome::InputError
        };
        if ctx.json {
            output::print_json(&results);
        }
        Ok(outcome)
    }

    /// The default subject of `input`: the store key `<stem>_module`, generated when missing
    /// (unless --disable-keygen).
    fn module_key(&self, store: &KeyStore, input: &Path) -> anyhow::Result<Key> {
        let stem = input
            .file_stem()
            .and_then(|s| s.to_str())
            .context("the file name is not valid UTF-8")?;
        keysource::default_key(
            store,
            &keys::module_key_name(stem),
            KeyRole::Module,
            self.keys.disable_keygen,
        )
    }

    fn sign_one(
        &self,
        input: &Path,
        project: Option<&Project>,
        spec: &ClaimsSpec,
        issuer: &Key,
        subject: &Key,
    ) -> anyhow::Result<(PathBuf, Signed)> {
        let stem = input
            .file_stem()
            .and_then(|s| s.to_str())
            .context("the file name is not valid UTF-8")?;
        let output = self.output_for(input, stem)?;
        let mut spec = spec.clone();
        if spec.name.is_none() {
            spec.name = Some(stem.to_string());
        }
        // Hashed and signed from this one open file, checked as it was opened.
        let file = report::open_input(input, project)?;
        let signed = sign_file(&file, &output, Existing::Replace, &spec, issuer, subject)?;
        Ok((output, signed))
    }

    fn output_for(&self, input: &Path, stem: &str) -> anyhow::Result<PathBuf> {
        let output = if self.in_place {
            return Ok(input.to_path_buf());
        } else if let Some(o) = &self.output {
            o.clone()
        } else {
            let file = format!("{stem}_s.wasm");
            match &self.out_dir {
                Some(dir) => dir.join(file),
                None => input.with_file_name(file),
            }
        };
        if report::same_file(input, &output) {
            bail!(
                "the output {} is the input; pass --in-place to replace the input",
                output.display()
            );
        }
        Ok(output)
    }
}
