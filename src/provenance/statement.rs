//! The in-toto Statement v1 with an SLSA Provenance v1 predicate: the types, how wzt fills them
//! (docs/design.md §15 says what goes where and why), and reading one back.
//!
//! Reading keeps to what the checks need and ignores members it does not know (in-toto asks
//! consumers to), but a member given twice anywhere in a struct or a digest set is refused: two
//! parsers must never disagree on which of two values counts.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};

use super::deps::Crate;
use super::facts::{BuildFacts, GitSource};

/// `_type` of an in-toto Statement v1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// `predicateType` of SLSA Provenance v1.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// `buildType` of a provenance `wzt build` wrote: wzt ran the build command and signed.
pub const BUILD_TYPE: &str = "https://wzt.dev/provenance/build/v1";
/// `buildType` of a provenance `wzt attest` wrote for an artifact built elsewhere: wzt saw
/// only the file (and, when given, the source checkout).
pub const ATTEST_BUILD_TYPE: &str = "https://wzt.dev/provenance/attest/v1";
/// `runDetails.builder.id` of `wzt build`: a developer's or CI machine running wzt, which
/// signs with the account key named in the envelope.
pub const BUILDER_ID: &str = "https://wzt.dev/builder/local/v1";
/// `runDetails.builder.id` of `wzt attest`.
pub const ATTEST_BUILDER_ID: &str = "https://wzt.dev/builder/attest/v1";
/// The `name` of the resolved dependency that is the git source.
pub const SOURCE_NAME: &str = "source";

/// A digest set (`{"sha256": "…", "gitCommit": "…"}`), read refusing repeated algorithms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DigestSet(pub BTreeMap<String, String>);

impl<'de> Deserialize<'de> for DigestSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DigestSet, D::Error> {
        struct Unique;
        impl<'de> Visitor<'de> for Unique {
            type Value = DigestSet;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of digest algorithms to hex digests")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DigestSet, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    if out.insert(k, v).is_some() {
                        return Err(serde::de::Error::custom(
                            "a digest algorithm is given twice",
                        ));
                    }
                }
                Ok(DigestSet(out))
            }
        }
        d.deserialize_map(Unique)
    }
}

/// An in-toto ResourceDescriptor (the members wzt writes and reads).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDescriptor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(default, skip_serializing_if = "digest_is_empty")]
    pub digest: DigestSet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<serde_json::Map<String, Value>>,
}

fn digest_is_empty(d: &DigestSet) -> bool {
    d.0.is_empty()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildDefinition {
    pub build_type: String,
    pub external_parameters: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_parameters: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved_dependencies: Vec<ResourceDescriptor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Builder {
    pub id: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub version: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invocation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunDetails {
    pub builder: Builder,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BuildMetadata>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub byproducts: Vec<ResourceDescriptor>,
}

/// The SLSA Provenance v1 predicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provenance {
    pub build_definition: BuildDefinition,
    pub run_details: RunDetails,
}

/// An in-toto Statement v1 whose predicate is SLSA Provenance v1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub statement_type: String,
    pub subject: Vec<ResourceDescriptor>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: Provenance,
}

/// An artifact the statement is about: a file name and its SHA-256 (lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub name: String,
    pub sha256: String,
}

/// What the signed artifact's claims say, recorded as a byproduct (the token links the
/// provenance to a `jti` a policy can revoke).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsRecord {
    pub jti: String,
    pub issuer: String,
    pub subject: String,
}

/// The git source as the checks read it from a statement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceRecord {
    /// The repository URL, without `git+` and the ref.
    pub repository: Option<String>,
    pub commit: Option<String>,
    /// `None` when the statement does not say.
    pub clean: Option<bool>,
}

fn subject_descriptor(s: &Subject) -> ResourceDescriptor {
    ResourceDescriptor {
        name: Some(s.name.clone()),
        digest: DigestSet(BTreeMap::from([("sha256".into(), s.sha256.clone())])),
        ..Default::default()
    }
}

/// The git source as a resolved dependency: `git+URL@REF` and the commit, with whether the
/// working tree was clean. `None` when nothing identifies it (no remote and no commit).
fn source_descriptor(source: &GitSource) -> Option<ResourceDescriptor> {
    if source.repository.is_none() && source.commit.is_none() {
        return None;
    }
    let mut annotations = serde_json::Map::new();
    annotations.insert("clean".into(), Value::Bool(source.clean));
    Some(ResourceDescriptor {
        name: Some(SOURCE_NAME.into()),
        uri: source
            .repository
            .as_ref()
            .map(|r| format!("git+{r}@{}", source.git_ref.as_deref().unwrap_or("HEAD"))),
        digest: DigestSet(
            source
                .commit
                .iter()
                .map(|c| ("gitCommit".to_string(), c.clone()))
                .collect(),
        ),
        annotations: Some(annotations),
        ..Default::default()
    })
}

fn lock_descriptor(name: &str, sha256: &str) -> ResourceDescriptor {
    ResourceDescriptor {
        name: Some(name.to_string()),
        digest: DigestSet(BTreeMap::from([("sha256".into(), sha256.to_string())])),
        ..Default::default()
    }
}

/// A crate from the artifact's cargo-auditable list as a resolved dependency: a package URL
/// (`pkg:cargo/NAME@VERSION`), with where it came from and its kind.
fn crate_descriptor(c: &Crate) -> ResourceDescriptor {
    let mut annotations = serde_json::Map::new();
    annotations.insert("source".into(), Value::String(c.source.clone()));
    annotations.insert("kind".into(), Value::String(c.kind.into()));
    if c.root {
        annotations.insert("root".into(), Value::Bool(true));
    }
    ResourceDescriptor {
        name: Some(c.name.clone()),
        uri: Some(format!("pkg:cargo/{}@{}", c.name, c.version)),
        annotations: Some(annotations),
        ..Default::default()
    }
}

fn claims_byproduct(claims: &ClaimsRecord) -> ResourceDescriptor {
    let mut annotations = serde_json::Map::new();
    annotations.insert("jti".into(), Value::String(claims.jti.clone()));
    annotations.insert("issuer".into(), Value::String(claims.issuer.clone()));
    annotations.insert("subject".into(), Value::String(claims.subject.clone()));
    ResourceDescriptor {
        name: Some("claims".into()),
        media_type: Some("application/jwt".into()),
        annotations: Some(annotations),
        ..Default::default()
    }
}

fn wzt_version() -> BTreeMap<String, String> {
    BTreeMap::from([("wzt".into(), env!("CARGO_PKG_VERSION").into())])
}

fn source_parameters(source: Option<&GitSource>, path: Option<&str>) -> Value {
    match source {
        Some(s) => json!({
            "repository": s.repository,
            "ref": s.git_ref,
            "path": path,
        }),
        None => Value::Null,
    }
}

impl Statement {
    /// The provenance of a `wzt build`: the signed file and the built (unsigned) artifact as
    /// subjects, the build's facts, and the crates the artifact lists.
    pub fn for_build(
        subjects: &[Subject],
        facts: &BuildFacts,
        crates: &[Crate],
        claims: Option<&ClaimsRecord>,
    ) -> Statement {
        let mut resolved: Vec<ResourceDescriptor> = Vec::new();
        resolved.extend(facts.source.as_ref().and_then(source_descriptor));
        if let Some((name, sha256)) = &facts.cargo_lock {
            resolved.push(lock_descriptor(name, sha256));
        }
        resolved.extend(crates.iter().map(crate_descriptor));
        Statement {
            statement_type: STATEMENT_TYPE.into(),
            subject: subjects.iter().map(subject_descriptor).collect(),
            predicate_type: SLSA_PROVENANCE_V1.into(),
            predicate: Provenance {
                build_definition: BuildDefinition {
                    build_type: BUILD_TYPE.into(),
                    external_parameters: json!({
                        "command": facts.command,
                        "profile": facts.profile,
                        "artifact": facts.artifact,
                        "actor": facts.actor,
                        "source": source_parameters(facts.source.as_ref(), facts.project_path.as_deref()),
                    }),
                    internal_parameters: Some(json!({
                        "rustc": facts.rustc,
                        "target": facts.target,
                    })),
                    resolved_dependencies: resolved,
                },
                run_details: RunDetails {
                    builder: Builder {
                        id: BUILDER_ID.into(),
                        version: wzt_version(),
                    },
                    metadata: Some(BuildMetadata {
                        invocation_id: Some(crate::claims::new_token_id()),
                        started_on: Some(crate::time::rfc3339(facts.started)),
                        finished_on: Some(crate::time::rfc3339(facts.finished)),
                    }),
                    byproducts: claims.map(claims_byproduct).into_iter().collect(),
                },
            },
        }
    }

    /// The provenance `wzt attest` writes for an artifact built elsewhere: the file (and its
    /// unsigned content) as subjects, the crates it lists, and the source checkout when one was
    /// named; nothing about how it was built.
    pub fn for_attest(
        subjects: &[Subject],
        source: Option<(&GitSource, Option<&str>)>,
        cargo_lock: Option<&(String, String)>,
        crates: &[Crate],
        claims: Option<&ClaimsRecord>,
    ) -> Statement {
        let mut resolved: Vec<ResourceDescriptor> = Vec::new();
        resolved.extend(source.and_then(|(s, _)| source_descriptor(s)));
        if let Some((name, sha256)) = cargo_lock {
            resolved.push(lock_descriptor(name, sha256));
        }
        resolved.extend(crates.iter().map(crate_descriptor));
        Statement {
            statement_type: STATEMENT_TYPE.into(),
            subject: subjects.iter().map(subject_descriptor).collect(),
            predicate_type: SLSA_PROVENANCE_V1.into(),
            predicate: Provenance {
                build_definition: BuildDefinition {
                    build_type: ATTEST_BUILD_TYPE.into(),
                    external_parameters: json!({
                        "artifact": subjects.first().map(|s| &s.name),
                        "source": source_parameters(source.map(|(s, _)| s), source.and_then(|(_, p)| p)),
                    }),
                    internal_parameters: None,
                    resolved_dependencies: resolved,
                },
                run_details: RunDetails {
                    builder: Builder {
                        id: ATTEST_BUILDER_ID.into(),
                        version: wzt_version(),
                    },
                    metadata: Some(BuildMetadata {
                        invocation_id: Some(crate::claims::new_token_id()),
                        started_on: None,
                        finished_on: None,
                    }),
                    byproducts: claims.map(claims_byproduct).into_iter().collect(),
                },
            },
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a statement always serializes")
    }

    /// Reads a statement: in-toto Statement v1 with an SLSA Provenance v1 predicate, at least
    /// one subject.
    pub fn parse(bytes: &[u8]) -> Result<Statement, String> {
        let statement: Statement = serde_json::from_slice(bytes).map_err(|e| {
            // serde_json's message can quote the input (an unknown variant, a field name).
            format!(
                "its payload is not an in-toto statement with SLSA provenance ({})",
                crate::text::Untrusted(&e.to_string())
            )
        })?;
        if statement.statement_type != STATEMENT_TYPE {
            return Err(format!(
                "its _type is not {STATEMENT_TYPE} (it says {})",
                crate::text::Untrusted(&statement.statement_type)
            ));
        }
        if statement.predicate_type != SLSA_PROVENANCE_V1 {
            return Err(format!(
                "its predicateType is not {SLSA_PROVENANCE_V1} (it says {})",
                crate::text::Untrusted(&statement.predicate_type)
            ));
        }
        if statement.subject.is_empty() {
            return Err("it names no subject".into());
        }
        Ok(statement)
    }

    /// The SHA-256 digests of the subjects (as written).
    pub fn subject_sha256s(&self) -> impl Iterator<Item = &str> {
        self.subject
            .iter()
            .filter_map(|s| s.digest.0.get("sha256").map(String::as_str))
    }

    /// The git source: the resolved dependency that is a git checkout (a `git+` URI or a
    /// `gitCommit` digest; wzt names it `source`, but a name is no proof: a crate may be called
    /// `source`); an error when there are two.
    pub fn source(&self) -> Result<Option<SourceRecord>, String> {
        let mut sources = self
            .predicate
            .build_definition
            .resolved_dependencies
            .iter()
            .filter(|d| {
                d.uri.as_deref().is_some_and(|u| u.starts_with("git+"))
                    || d.digest.0.contains_key("gitCommit")
            });
        let Some(source) = sources.next() else {
            return Ok(None);
        };
        if sources.next().is_some() {
            return Err("it names two git sources".into());
        }
        Ok(Some(SourceRecord {
            repository: source.uri.as_deref().map(repository_of_uri),
            commit: source.digest.0.get("gitCommit").cloned(),
            clean: source
                .annotations
                .as_ref()
                .and_then(|a| a.get("clean"))
                .and_then(Value::as_bool),
        }))
    }

    /// The crates the statement lists (`pkg:cargo/…` dependencies).
    pub fn crates(&self) -> impl Iterator<Item = &str> {
        self.predicate
            .build_definition
            .resolved_dependencies
            .iter()
            .filter_map(|d| d.uri.as_deref())
            .filter_map(|u| u.strip_prefix("pkg:cargo/"))
    }
}

/// `git+URL@REF` → `URL`: the ref (`refs/…` or `HEAD`, as wzt writes it) is cut off after the
/// last `@`.
fn repository_of_uri(uri: &str) -> String {
    let uri = uri.strip_prefix("git+").unwrap_or(uri);
    match uri.rsplit_once('@') {
        Some((url, r)) if r == "HEAD" || r.starts_with("refs/") => url.to_string(),
        _ => uri.to_string(),
    }
}

/// A repository URL reduced to `host[:port]/path` for comparing: scheme, user, a trailing
/// `/` and `.git` dropped, the host lower-cased; scp-like `user@host:path` read as
/// `host/path`; a local path (or `file://`) kept as its path.
pub fn normalize_repository(url: &str) -> String {
    let url = url.trim();
    let url = url.strip_prefix("git+").unwrap_or(url);
    let (authority, path) = if let Some((_, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        (host.to_ascii_lowercase(), path.to_string())
    } else if let Some((host, path)) = url
        .split_once(':')
        .filter(|(h, _)| !h.contains('/') && !h.is_empty())
    {
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        (
            host.to_ascii_lowercase(),
            format!("/{}", path.trim_start_matches('/')),
        )
    } else {
        (String::new(), url.to_string())
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path = path.trim_end_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    format!("{authority}{path}")
}

/// Whether `repository` is one of `allowed` (each a URL, or a URL prefix ending in `/*` for
/// every repository below it), compared as [`normalize_repository`] reduces them.
pub fn repository_allowed(repository: &str, allowed: &[String]) -> bool {
    let repository = normalize_repository(repository);
    allowed
        .iter()
        .any(|entry| match entry.trim().strip_suffix("/*") {
            Some(prefix) => {
                let prefix = normalize_repository(prefix);
                !prefix.is_empty()
                    && repository.len() > prefix.len() + 1
                    && repository.starts_with(&prefix)
                    && repository.as_bytes()[prefix.len()] == b'/'
            }
            None => normalize_repository(entry) == repository,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_compare_whatever_their_spelling() {
        let same = [
            "https://github.com/acme/actor",
            "https://github.com/acme/actor.git",
            "https://GitHub.com/acme/actor/",
            "git+https://x-access-token:secret@github.com/acme/actor.git",
            "ssh://git@github.com/acme/actor.git",
            "git@github.com:acme/actor.git",
            "http://github.com/acme/actor?x=1",
        ];
        for url in same {
            assert_eq!(normalize_repository(url), "github.com/acme/actor", "{url}");
        }
        assert_eq!(normalize_repository("/srv/git/repo.git"), "/srv/git/repo");
        assert_eq!(
            normalize_repository("file:///srv/git/repo"),
            "/srv/git/repo"
        );
        let allowed = vec!["https://github.com/acme/*".to_string()];
        assert!(repository_allowed(
            "git@github.com:acme/actor.git",
            &allowed
        ));
        assert!(!repository_allowed("https://github.com/acme", &allowed));
        assert!(!repository_allowed(
            "https://github.com/acmex/actor",
            &allowed
        ));
        assert!(!repository_allowed(
            "https://github.com/evil/acme/actor",
            &allowed
        ));
        let exact = vec!["https://github.com/acme/actor".to_string()];
        assert!(repository_allowed(
            "https://github.com/acme/actor.git",
            &exact
        ));
        assert!(!repository_allowed(
            "https://github.com/acme/actor2",
            &exact
        ));
        assert!(!repository_allowed(
            "https://github.com.evil.example/acme/actor",
            &exact
        ));
    }

    #[test]
    fn the_repository_is_the_uri_without_its_ref() {
        assert_eq!(
            repository_of_uri("git+https://h/a@b/r@refs/heads/main"),
            "https://h/a@b/r"
        );
        assert_eq!(repository_of_uri("git+ssh://h/r@HEAD"), "ssh://h/r");
        assert_eq!(repository_of_uri("git+https://h/r"), "https://h/r");
    }

    #[test]
    fn a_crate_or_lock_file_named_source_is_not_the_source() {
        use crate::provenance::facts::BuildFacts;
        let facts = BuildFacts {
            command: String::new(),
            profile: "default",
            artifact: String::new(),
            project_path: None,
            actor: Value::Null,
            source: Some(GitSource {
                repository: Some("https://h/r".into()),
                git_ref: None,
                commit: Some("c".into()),
                clean: true,
                top: "/".into(),
            }),
            cargo_lock: Some(("source".into(), "ab".into())),
            rustc: None,
            target: None,
            started: 0,
            finished: 0,
        };
        let named_source = Crate {
            name: "source".into(),
            version: "1.0.0".into(),
            source: "crates.io".into(),
            kind: "runtime",
            root: false,
        };
        let subjects = [Subject {
            name: "a".into(),
            sha256: "ab".into(),
        }];
        let statement = Statement::for_build(&subjects, &facts, &[named_source], None);
        let read = Statement::parse(&statement.to_json()).unwrap();
        let source = read.source().unwrap().unwrap();
        assert_eq!(source.repository.as_deref(), Some("https://h/r"));
        assert_eq!(source.commit.as_deref(), Some("c"));
    }

    #[test]
    fn a_repeated_digest_algorithm_is_refused() {
        let text = r#"{"name":"x","digest":{"sha256":"aa","sha256":"bb"}}"#;
        let err = serde_json::from_str::<ResourceDescriptor>(text).unwrap_err();
        assert!(err.to_string().contains("given twice"), "{err}");
        let text = r#"{"name":"x","name":"y","digest":{"sha256":"aa"}}"#;
        assert!(serde_json::from_str::<ResourceDescriptor>(text).is_err());
    }
}
