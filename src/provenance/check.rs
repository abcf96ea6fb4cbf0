//! The provenance rules of a trust policy (docs/design.md §15): whether an artifact's
//! provenance is there, signed by a trusted account key, about this very artifact, from an
//! allowed repository, built from a clean tree. Each broken rule is a [`ProvenanceFailure`]
//! with a stable code, carried in `verify::Failure::Provenance`.

use crate::policy::Policy;
use crate::text::Untrusted;

use super::dsse::Envelope;
use super::statement::{Statement, repository_allowed};

/// One broken provenance rule. Text from the provenance is kept raw and escaped by `Display`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvenanceFailure {
    #[error(
        "the policy requires provenance and there is none ({}); build with `wzt build`, which writes it, or write one with `wzt attest FILE`",
        Untrusted(.0)
    )]
    Missing(String),
    #[error("the provenance cannot be read: {}", Untrusted(.0))]
    Malformed(String),
    #[error("{}", bad_signature(signers, trusted))]
    BadSignature {
        /// The `keyid`s the envelope names.
        signers: Vec<String>,
        trusted: usize,
    },
    #[error(
        "the provenance is about another artifact: its subjects are {}, and this artifact's SHA-256 is {actual}; rebuild with `wzt build`, or write its provenance with `wzt attest FILE`",
        list(.subjects)
    )]
    Mismatch {
        subjects: Vec<String>,
        actual: String,
    },
    #[error("{}", untrusted_source(.repository.as_deref()))]
    UntrustedSource { repository: Option<String> },
    #[error("{}", dirty_tree(*.clean))]
    DirtyTree {
        /// `None`: the provenance records no git source, or not whether it was clean.
        clean: Option<bool>,
    },
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    items
        .iter()
        .take(8)
        .map(|s| Untrusted(s).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn bad_signature(signers: &[String], trusted: &usize) -> String {
    format!(
        "the provenance is not signed by a trusted account key: it names {} and the policy trusts {trusted} key{}; trust the signer with `--trusted-issuer` if it is yours, or rebuild",
        match signers.len() {
            0 => "no key".to_string(),
            _ => list(signers),
        },
        if *trusted == 1 { "" } else { "s" }
    )
}

fn untrusted_source(repository: Option<&str>) -> String {
    match repository {
        Some(r) => format!(
            "the provenance says the artifact was built from {}, which is not in the policy's source_repos",
            Untrusted(r)
        ),
        None => "the provenance records no source repository, and the policy's source_repos requires one (build in a git checkout with a remote)".into(),
    }
}

fn dirty_tree(clean: Option<bool>) -> String {
    match clean {
        Some(false) => "the artifact was built from a working tree with uncommitted changes, and the policy requires a clean tree; commit, then rebuild".into(),
        _ => "the provenance does not show a clean git working tree, and the policy requires one (build in a git checkout)".into(),
    }
}

impl ProvenanceFailure {
    /// Every code [`ProvenanceFailure::code`] gives.
    pub const CODES: [&'static str; 6] = [
        "no_provenance",
        "malformed_provenance",
        "bad_provenance_signature",
        "provenance_mismatch",
        "untrusted_source",
        "dirty_tree",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            ProvenanceFailure::Missing(_) => "no_provenance",
            ProvenanceFailure::Malformed(_) => "malformed_provenance",
            ProvenanceFailure::BadSignature { .. } => "bad_provenance_signature",
            ProvenanceFailure::Mismatch { .. } => "provenance_mismatch",
            ProvenanceFailure::UntrustedSource { .. } => "untrusted_source",
            ProvenanceFailure::DirtyTree { .. } => "dirty_tree",
        }
    }
}

/// A provenance whose envelope is signed by a trusted key and whose subject is the artifact.
#[derive(Debug, Clone)]
pub struct CheckedProvenance {
    pub signer: String,
    pub statement: Statement,
}

/// Checks `envelope` (the provenance file's bytes) for the artifact whose SHA-256 is
/// `artifact_sha256` (lower-case hex) under `policy`: signature, subject, then the source rules.
/// The payload is read only once a trusted signature vouches for it.
pub fn check(
    envelope: &[u8],
    artifact_sha256: &str,
    policy: &Policy,
) -> Result<CheckedProvenance, Vec<ProvenanceFailure>> {
    let envelope =
        Envelope::parse(envelope).map_err(|e| vec![ProvenanceFailure::Malformed(e.to_string())])?;
    let Some(signer) = envelope.verified_by(&policy.trusted_issuers) else {
        return Err(vec![ProvenanceFailure::BadSignature {
            signers: envelope
                .signatures()
                .iter()
                .map(|s| s.keyid.clone())
                .collect(),
            trusted: policy.trusted_issuers.len(),
        }]);
    };
    let statement = Statement::parse(envelope.unverified_payload())
        .map_err(|e| vec![ProvenanceFailure::Malformed(e)])?;
    let mut failures = Vec::new();
    if !statement
        .subject_sha256s()
        .any(|d| d.eq_ignore_ascii_case(artifact_sha256))
    {
        failures.push(ProvenanceFailure::Mismatch {
            subjects: statement.subject_sha256s().map(str::to_string).collect(),
            actual: artifact_sha256.to_string(),
        });
    }
    let source = statement
        .source()
        .map_err(|e| vec![ProvenanceFailure::Malformed(e)])?;
    if !policy.source_repos.is_empty() {
        let repository = source.as_ref().and_then(|s| s.repository.clone());
        if !repository
            .as_deref()
            .is_some_and(|r| repository_allowed(r, &policy.source_repos))
        {
            failures.push(ProvenanceFailure::UntrustedSource { repository });
        }
    }
    if policy.require_clean_tree {
        let clean = source.as_ref().and_then(|s| s.clean);
        if clean != Some(true) || source.as_ref().is_some_and(|s| s.commit.is_none()) {
            failures.push(ProvenanceFailure::DirtyTree { clean });
        }
    }
    if failures.is_empty() {
        Ok(CheckedProvenance {
            signer: signer.to_string(),
            statement,
        })
    } else {
        Err(failures)
    }
}

/// The provenance verdict for one artifact: nothing to say when the policy has no provenance
/// rule and none was given; `no_provenance` when one is required and `envelope` is `None`
/// (`looked` says where it was looked for); else [`check`]'s failures.
pub fn evaluate(
    envelope: Option<&[u8]>,
    looked: &str,
    artifact_sha256: &str,
    policy: &Policy,
) -> Vec<ProvenanceFailure> {
    match envelope {
        None if policy.requires_provenance() => vec![ProvenanceFailure::Missing(looked.into())],
        None => Vec::new(),
        Some(envelope) => check(envelope, artifact_sha256, policy)
            .err()
            .unwrap_or_default(),
    }
}

/// The verdict when several candidate provenances were found (a registry may list more than
/// one referrer): the index of the first that passes [`check`]. None found is `no_provenance`
/// (`looked` says where, `refused` why listed ones were not even read); when none passes,
/// the first one's failures.
pub fn evaluate_candidates<'a>(
    candidates: impl IntoIterator<Item = &'a [u8]>,
    looked: &str,
    refused: &[String],
    artifact_sha256: &str,
    policy: &Policy,
) -> Result<usize, Vec<ProvenanceFailure>> {
    let mut first_failures = None;
    for (i, envelope) in candidates.into_iter().enumerate() {
        match check(envelope, artifact_sha256, policy) {
            Ok(_) => return Ok(i),
            Err(failures) => {
                first_failures.get_or_insert(failures);
            }
        }
    }
    Err(first_failures.unwrap_or_else(|| {
        let mut looked = looked.to_string();
        if !refused.is_empty() {
            looked.push_str("; refused: ");
            looked.push_str(
                &refused
                    .iter()
                    .take(4)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        vec![ProvenanceFailure::Missing(looked)]
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{Key, KeyRole};
    use crate::provenance::facts::{BuildFacts, GitSource};
    use crate::provenance::{Envelope, Subject};

    fn facts(repository: Option<&str>, clean: bool) -> BuildFacts {
        BuildFacts {
            command: "cargo build".into(),
            profile: "default",
            artifact: "a.wasm".into(),
            project_path: Some(".".into()),
            actor: serde_json::json!({"name": "a"}),
            source: Some(GitSource {
                repository: repository.map(str::to_string),
                git_ref: Some("refs/heads/main".into()),
                commit: Some("c".repeat(40)),
                clean,
                top: "/".into(),
            }),
            cargo_lock: None,
            rustc: None,
            target: None,
            started: 0,
            finished: 0,
        }
    }

    fn envelope(key: &Key, sha256: &str, facts: &BuildFacts) -> Vec<u8> {
        let subjects = [Subject {
            name: "a_s.wasm".into(),
            sha256: sha256.into(),
        }];
        let statement = Statement::for_build(&subjects, facts, &[], None);
        Envelope::sign(statement.to_json(), key).unwrap().to_json()
    }

    fn codes(result: Result<CheckedProvenance, Vec<ProvenanceFailure>>) -> Vec<&'static str> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(|f| f.code())
            .collect()
    }

    #[test]
    fn each_rule_fails_with_its_code() {
        let key = Key::generate(KeyRole::Account);
        let policy = |source_repos: &[&str], clean: bool| Policy {
            trusted_issuers: vec![key.public_key().to_string()],
            require_provenance: true,
            source_repos: source_repos.iter().map(|s| s.to_string()).collect(),
            require_clean_tree: clean,
            ..Policy::default()
        };
        let good = envelope(&key, "ab", &facts(Some("https://example.com/acme/a"), true));
        let strict = policy(&["https://example.com/acme/*"], true);
        let checked = check(&good, "AB", &strict).unwrap();
        assert_eq!(checked.signer, key.public_key());
        assert_eq!(codes(check(&good, "cd", &strict)), ["provenance_mismatch"]);
        assert_eq!(
            codes(check(
                &good,
                "ab",
                &policy(&["https://example.com/other/*"], false)
            )),
            ["untrusted_source"]
        );
        let dirty = envelope(
            &key,
            "ab",
            &facts(Some("https://example.com/acme/a"), false),
        );
        assert_eq!(codes(check(&dirty, "ab", &strict)), ["dirty_tree"]);
        assert!(check(&dirty, "ab", &policy(&[], false)).is_ok());
        let no_remote = envelope(&key, "ab", &facts(None, true));
        assert_eq!(
            codes(check(&no_remote, "ab", &strict)),
            ["untrusted_source"]
        );
        let stranger = Key::generate(KeyRole::Account);
        let foreign = envelope(
            &stranger,
            "ab",
            &facts(Some("https://example.com/acme/a"), true),
        );
        assert_eq!(
            codes(check(&foreign, "ab", &strict)),
            ["bad_provenance_signature"]
        );
        assert_eq!(codes(check(b"{", "ab", &strict)), ["malformed_provenance"]);
        // Several rules at once are all reported.
        let dirty_elsewhere = envelope(&key, "ff", &facts(Some("https://evil.example/a"), false));
        assert_eq!(
            codes(check(&dirty_elsewhere, "ab", &strict)),
            ["provenance_mismatch", "untrusted_source", "dirty_tree"]
        );
    }

    #[test]
    fn missing_and_candidates() {
        let key = Key::generate(KeyRole::Account);
        let policy = Policy {
            trusted_issuers: vec![key.public_key().to_string()],
            require_provenance: true,
            ..Policy::default()
        };
        let failures = evaluate(None, "x.intoto.json does not exist", "ab", &policy);
        assert_eq!(failures[0].code(), "no_provenance");
        assert!(
            failures[0]
                .to_string()
                .contains("x.intoto.json does not exist")
        );
        assert!(evaluate(None, "", "ab", &Policy::default()).is_empty());
        let other = envelope(&key, "cd", &facts(None, true));
        let good = envelope(&key, "ab", &facts(None, true));
        let chosen =
            evaluate_candidates([other.as_slice(), good.as_slice()], "", &[], "ab", &policy);
        assert_eq!(chosen, Ok(1));
        let none = evaluate_candidates([other.as_slice()], "", &[], "ab", &policy).unwrap_err();
        assert_eq!(none[0].code(), "provenance_mismatch");
        let refused = ["the referrer sha256:1 is about sha256:2\u{1b}".to_string()];
        let empty = evaluate_candidates(std::iter::empty(), "no referrer", &refused, "ab", &policy)
            .unwrap_err();
        let text = empty[0].to_string();
        assert!(
            text.contains("refused: the referrer sha256:1 is about sha256:2\\u{1b}"),
            "{text}"
        );
    }
}
