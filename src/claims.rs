//! The claims an actor carries, and the compact JWS that holds them, byte-compatible with
//! wasmCloud's `wascap` 0.16.
//!
//! wascap writes the non-standard header `{"typ":"jwt","alg":"Ed25519"}`, which `jsonwebtoken`
//! cannot read, so the JWS layer is here: base64url without padding, the header exactly as
//! wascap writes it, an ed25519 signature by the issuer over `header "." claims`, verified with
//! `verify_strict`. Field order in the JSON follows the struct order below, which is wascap's.

use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize};

use crate::keys::{self, Key, KeyRole};
use crate::text::Untrusted;

/// The header wzt writes, byte for byte what wascap writes.
pub const HEADER_JSON: &str = r#"{"typ":"jwt","alg":"Ed25519"}"#;
/// The `alg` values accepted on read: wascap's and RFC 8037's.
pub const ACCEPTED_ALGS: [&str; 2] = ["Ed25519", "EdDSA"];
/// The claims revision wzt writes (wascap's current one).
pub const WASCAP_REVISION: u32 = 3;

/// The registered JWT claims plus wascap's actor metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    #[serde(
        rename = "exp",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "strict_time"
    )]
    pub expires: Option<u64>,
    #[serde(rename = "jti")]
    pub id: String,
    #[serde(rename = "iat")]
    pub issued_at: u64,
    #[serde(rename = "iss")]
    pub issuer: String,
    #[serde(rename = "sub")]
    pub subject: String,
    #[serde(
        rename = "nbf",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "strict_time"
    )]
    pub not_before: Option<u64>,
    #[serde(rename = "wascap")]
    pub metadata: ActorMetadata,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wascap_revision: Option<u32>,
}

/// The `wascap` object of an actor's claims.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActorMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Module hash: upper-case hex SHA-256 of the artifact without signature sections.
    #[serde(rename = "hash")]
    pub module_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Granted capability contract ids. wascap 0.16 ignores it; older wash prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caps: Option<Vec<String>>,
    /// Per-resource grants, `{"kv.bucket": ["app"]}` (docs/design.md §14), as written: verification
    /// checks them (`crate::scopes::Scopes::from_wire`). wascap 0.16 ignores the member; absent
    /// when nothing is scoped, so an unscoped token is what it always was.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unique_scopes"
    )]
    pub scopes: Option<std::collections::BTreeMap<String, Vec<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ver: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_alias: Option<String>,
    #[serde(rename = "prov", default)]
    pub provider: bool,
}

/// `scopes` as an object of string lists, refusing a kind written twice (JSON would keep the
/// last one silently, and two readers could disagree on what was signed).
fn unique_scopes<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<std::collections::BTreeMap<String, Vec<String>>>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = std::collections::BTreeMap<String, Vec<String>>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of scope kinds to lists of strings")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut scopes = std::collections::BTreeMap::new();
            while let Some((kind, values)) = map.next_entry::<String, Vec<String>>()? {
                if scopes.contains_key(&kind) {
                    return Err(serde::de::Error::custom(format!(
                        "scope kind '{}' is given twice",
                        kind.escape_debug()
                    )));
                }
                scopes.insert(kind, values);
            }
            Ok(scopes)
        }
    }
    d.deserialize_map(Visitor).map(Some)
}

/// A time field that is present must be a non-negative integer: a string, a float, a negative
/// number or `null` is an error, never "absent" (an absent field is handled by `default`).
fn strict_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    u64::deserialize(d).map(Some)
}

impl Claims {
    /// Names the capability contract ids granted (empty when none).
    pub fn caps(&self) -> &[String] {
        self.metadata.caps.as_deref().unwrap_or(&[])
    }

    /// The grants the claims carry, as the capability types the host and policy use.
    pub fn grants(&self) -> crate::caps::Grants {
        crate::caps::Grants::from_contract_ids(self.caps())
    }
}

/// A fresh unique token id: 128 random bits, base32.
pub fn new_token_id() -> String {
    let bytes: [u8; 16] = rand::random();
    data_encoding::BASE32_NOPAD.encode(&bytes)
}

/// Why a token cannot be read or does not verify. `code()` is the stable name used in JSON.
/// The strings are the token's own text, kept raw; `Display` escapes them ([`Untrusted`]).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is malformed: {}", Untrusted(.0))]
    Malformed(String),
    #[error("the token's header is not accepted: {}", Untrusted(.0))]
    BadHeader(String),
    #[error(
        "the token uses algorithm '{}'; only Ed25519 (or EdDSA) is accepted",
        Untrusted(.0)
    )]
    BadAlgorithm(String),
    #[error("the token's claims are malformed: {}", Untrusted(.0))]
    MalformedClaims(String),
    #[error("the issuer '{}' is not a valid public key", Untrusted(.0))]
    InvalidIssuer(String),
    #[error("the issuer must be an account key (A…), but it is {} key", .0.with_article())]
    IssuerNotAccount(KeyRole),
    #[error(
        "the subject must be a module or service key (M… or V…): {}",
        Untrusted(.0)
    )]
    SubjectNotModule(String),
    #[error(
        "the signature does not verify under the issuer's key: the token was altered or signed by another key"
    )]
    BadSignature,
    /// The header has a member other than `typ` and `alg` (the name is kept raw).
    #[error("{}", unsupported_header(.0))]
    UnsupportedHeader(String),
}

fn unsupported_header(member: &str) -> String {
    if member == "crit" {
        "the token's header marks extensions as critical (`crit`); wzt implements none, and RFC 7515 requires refusing a token whose critical extensions are not understood".to_string()
    } else {
        format!(
            "the token's header has the member '{}', which wzt does not understand; only typ and alg are accepted",
            Untrusted(member)
        )
    }
}

impl TokenError {
    /// Every code [`TokenError::code`] gives.
    pub const CODES: [&'static str; 9] = [
        "malformed_token",
        "bad_header",
        "unsupported_header",
        "bad_algorithm",
        "malformed_claims",
        "invalid_issuer",
        "issuer_not_account",
        "subject_not_module",
        "bad_signature",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            TokenError::Malformed(_) => "malformed_token",
            TokenError::BadHeader(_) => "bad_header",
            TokenError::BadAlgorithm(_) => "bad_algorithm",
            TokenError::MalformedClaims(_) => "malformed_claims",
            TokenError::InvalidIssuer(_) => "invalid_issuer",
            TokenError::IssuerNotAccount(_) => "issuer_not_account",
            TokenError::SubjectNotModule(_) => "subject_not_module",
            TokenError::BadSignature => "bad_signature",
            TokenError::UnsupportedHeader(_) => "unsupported_header",
        }
    }
}

/// Signs `claims` with `issuer` into a compact JWS. The issuer key must match `claims.issuer`.
pub fn encode(claims: &Claims, issuer: &Key) -> Result<String, keys::KeyUseError> {
    let header = BASE64URL_NOPAD.encode(HEADER_JSON.as_bytes());
    let body = serde_json::to_vec(claims).expect("claims always serialize");
    let signing_input = format!("{header}.{}", BASE64URL_NOPAD.encode(&body));
    let signature = issuer.sign(signing_input.as_bytes())?;
    Ok(format!(
        "{signing_input}.{}",
        BASE64URL_NOPAD.encode(&signature)
    ))
}

/// Signs any JSON `payload` with `key` into a compact JWS with wzt's (wascap's) header: the
/// lattice's endorsement and invocation tokens use the same layer as actor claims.
pub fn encode_payload(payload: &[u8], key: &Key) -> Result<String, keys::KeyUseError> {
    let header = BASE64URL_NOPAD.encode(HEADER_JSON.as_bytes());
    let signing_input = format!("{header}.{}", BASE64URL_NOPAD.encode(payload));
    let signature = key.sign(signing_input.as_bytes())?;
    Ok(format!(
        "{signing_input}.{}",
        BASE64URL_NOPAD.encode(&signature)
    ))
}

/// A compact JWS split and decoded, header accepted ([`parse_header`]), signature not checked
/// yet: the caller decides which key must have signed it and calls [`Jws::verify`].
#[derive(Debug, Clone)]
pub struct Jws<'a> {
    raw: &'a str,
    pub payload: Vec<u8>,
    signature: Vec<u8>,
}

impl<'a> Jws<'a> {
    /// Splits `raw` into three base64url segments and reads the header.
    pub fn parse(raw: &'a str) -> Result<Jws<'a>, TokenError> {
        let mut segments = raw.split('.');
        let (Some(header), Some(payload), Some(signature), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(TokenError::Malformed(format!(
                "expected 3 dot-separated segments, found {}",
                raw.split('.').count()
            )));
        };
        let decode = |what: &str, s: &str| {
            BASE64URL_NOPAD
                .decode(s.as_bytes())
                .map_err(|e| TokenError::Malformed(format!("{what} is not base64url: {e}")))
        };
        parse_header(&decode("header", header)?)?;
        Ok(Jws {
            raw,
            payload: decode("payload", payload)?,
            signature: decode("signature", signature)?,
        })
    }

    /// Checks the signature strictly under the ed25519 public key `key`.
    pub fn verify(&self, key: &[u8; 32]) -> Result<(), TokenError> {
        let key = VerifyingKey::from_bytes(key).map_err(|_| TokenError::BadSignature)?;
        self.verify_with(&key)
    }

    /// [`Jws::verify`] under a key already decompressed: a receiver that checks many tokens
    /// of one signer keeps its [`VerifyingKey`] (decompressing the point costs about a third
    /// of a verification).
    pub fn verify_with(&self, key: &VerifyingKey) -> Result<(), TokenError> {
        let signature =
            Signature::from_slice(&self.signature).map_err(|_| TokenError::BadSignature)?;
        let signing_input = &self.raw[..self.raw.rfind('.').expect("three segments")];
        key.verify_strict(signing_input.as_bytes(), &signature)
            .map_err(|_| TokenError::BadSignature)
    }
}

/// A parsed token whose signature has not been checked yet.
#[derive(Debug, Clone)]
pub struct Token {
    pub raw: String,
    pub alg: String,
    pub claims: Claims,
    signature: Vec<u8>,
}

/// Every member of a JWS header, in order, duplicates included (a derived struct would keep
/// only one of two `alg`s, or ignore a `crit`).
struct HeaderMembers(Vec<(String, serde_json::Value)>);

impl<'de> Deserialize<'de> for HeaderMembers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = HeaderMembers;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<HeaderMembers, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
                    members.push(entry);
                }
                Ok(HeaderMembers(members))
            }
        }
        d.deserialize_map(Members)
    }
}

/// Reads a JWS header: `alg` an accepted algorithm, `typ` absent or `jwt` (any case), and no
/// other member, each at most once. Anything else is refused, never ignored: a `crit` names
/// extensions the verifier must understand (RFC 7515 §4.1.11), and other members (`jku`, `x5u`,
/// `b64`, `kid`) would change how the token is to be checked.
fn parse_header(bytes: &[u8]) -> Result<String, TokenError> {
    let HeaderMembers(members) = serde_json::from_slice(bytes)
        .map_err(|e| TokenError::BadHeader(format!("not a JWS header: {e}")))?;
    let (mut alg, mut typ) = (None, None);
    let mut unknown = None;
    for (name, value) in members {
        let slot = match name.as_str() {
            "alg" => &mut alg,
            "typ" => &mut typ,
            _ => {
                unknown.get_or_insert(name);
                continue;
            }
        };
        if slot.replace(value).is_some() {
            return Err(TokenError::BadHeader(format!("'{name}' appears twice")));
        }
    }
    let alg = match alg {
        None => return Err(TokenError::BadHeader("there is no alg".into())),
        Some(serde_json::Value::String(alg)) => alg,
        Some(other) => {
            return Err(TokenError::BadHeader(format!(
                "alg is not a string: {other}"
            )));
        }
    };
    if !ACCEPTED_ALGS.contains(&alg.as_str()) {
        return Err(TokenError::BadAlgorithm(alg));
    }
    if let Some(name) = unknown {
        return Err(TokenError::UnsupportedHeader(name));
    }
    match typ {
        None => {}
        Some(serde_json::Value::String(typ)) if typ.eq_ignore_ascii_case("jwt") => {}
        Some(serde_json::Value::String(typ)) => {
            return Err(TokenError::BadHeader(format!(
                "typ is '{typ}', expected 'jwt'"
            )));
        }
        Some(other) => {
            return Err(TokenError::BadHeader(format!(
                "typ is not a string: {other}"
            )));
        }
    }
    Ok(alg)
}

impl Token {
    /// Parses a compact JWS: three base64url segments, an accepted header, well-formed claims.
    pub fn parse(raw: &str) -> Result<Token, TokenError> {
        let segments: Vec<&str> = raw.split('.').collect();
        if segments.len() != 3 {
            return Err(TokenError::Malformed(format!(
                "expected 3 dot-separated segments, found {}",
                segments.len()
            )));
        }
        let decode = |what: &str, s: &str| {
            BASE64URL_NOPAD
                .decode(s.as_bytes())
                .map_err(|e| TokenError::Malformed(format!("{what} is not base64url: {e}")))
        };
        let alg = parse_header(&decode("header", segments[0])?)?;
        let body = decode("claims", segments[1])?;
        let claims: Claims = serde_json::from_slice(&body)
            .map_err(|e| TokenError::MalformedClaims(e.to_string()))?;
        let signature = decode("signature", segments[2])?;
        Ok(Token {
            raw: raw.to_string(),
            alg,
            claims,
            signature,
        })
    }

    /// Checks the issuer is an account key, the subject a module or service key, and the
    /// signature verifies strictly under the issuer's key.
    pub fn verify_signature(&self) -> Result<(), TokenError> {
        let (role, issuer) = keys::parse_public_key(&self.claims.issuer)
            .map_err(|_| TokenError::InvalidIssuer(self.claims.issuer.clone()))?;
        if role != KeyRole::Account {
            return Err(TokenError::IssuerNotAccount(role));
        }
        keys::parse_public_key_of(&self.claims.subject, &[KeyRole::Module, KeyRole::Service])
            .map_err(|e| TokenError::SubjectNotModule(e.to_string()))?;
        let key = VerifyingKey::from_bytes(&issuer)
            .map_err(|_| TokenError::InvalidIssuer(self.claims.issuer.clone()))?;
        let signature =
            Signature::from_slice(&self.signature).map_err(|_| TokenError::BadSignature)?;
        let signing_input = &self.raw[..self.raw.rfind('.').expect("three segments")];
        key.verify_strict(signing_input.as_bytes(), &signature)
            .map_err(|_| TokenError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(issuer: &Key, subject: &Key) -> Claims {
        Claims {
            expires: Some(2_000_000_000),
            id: "JTI".into(),
            issued_at: 1_700_000_000,
            issuer: issuer.public_key().into(),
            subject: subject.public_key().into(),
            not_before: None,
            metadata: ActorMetadata {
                name: Some("echo".into()),
                module_hash: "AB".into(),
                tags: None,
                caps: Some(vec!["wasmcloud:keyvalue".into()]),
                scopes: None,
                rev: Some(2),
                ver: Some("1.0.0".into()),
                call_alias: None,
                provider: false,
            },
            wascap_revision: Some(WASCAP_REVISION),
        }
    }

    #[test]
    fn json_field_order_is_wascaps() {
        let a = Key::generate(KeyRole::Account);
        let m = Key::generate(KeyRole::Module);
        let json = serde_json::to_string(&sample(&a, &m)).unwrap();
        let expected = format!(
            r#"{{"exp":2000000000,"jti":"JTI","iat":1700000000,"iss":"{}","sub":"{}","wascap":{{"name":"echo","hash":"AB","caps":["wasmcloud:keyvalue"],"rev":2,"ver":"1.0.0","prov":false}},"wascap_revision":3}}"#,
            a.public_key(),
            m.public_key()
        );
        assert_eq!(json, expected);
    }

    #[test]
    fn encode_then_parse_and_verify() {
        let a = Key::generate(KeyRole::Account);
        let m = Key::generate(KeyRole::Module);
        let token = encode(&sample(&a, &m), &a).unwrap();
        assert!(token.starts_with(&BASE64URL_NOPAD.encode(HEADER_JSON.as_bytes())));
        let parsed = Token::parse(&token).unwrap();
        assert_eq!(parsed.claims, sample(&a, &m));
        parsed.verify_signature().unwrap();
    }

    #[test]
    fn signature_by_another_key_fails() {
        let a = Key::generate(KeyRole::Account);
        let other = Key::generate(KeyRole::Account);
        let m = Key::generate(KeyRole::Module);
        let token = encode(&sample(&a, &m), &other).unwrap();
        assert_eq!(
            Token::parse(&token).unwrap().verify_signature(),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn malformed_times_are_errors_not_absent() {
        for bad in [r#""123""#, "1.5", "-1", "null"] {
            let json = format!(
                r#"{{"exp":{bad},"jti":"j","iat":1,"iss":"A","sub":"M","wascap":{{"hash":"X"}}}}"#
            );
            assert!(serde_json::from_str::<Claims>(&json).is_err(), "{bad}");
        }
        let ok = r#"{"jti":"j","iat":1,"iss":"A","sub":"M","wascap":{"hash":"X"}}"#;
        let claims: Claims = serde_json::from_str(ok).unwrap();
        assert_eq!(claims.expires, None);
        assert!(!claims.metadata.provider);
    }

    #[test]
    fn header_members_other_than_typ_and_alg_are_refused() {
        let code = |header: &str| {
            let token = format!("{}.e30.", BASE64URL_NOPAD.encode(header.as_bytes()));
            Token::parse(&token).unwrap_err().code()
        };
        assert_eq!(
            code(r#"{"alg":"Ed25519","crit":["b64"],"b64":false}"#),
            "unsupported_header"
        );
        assert_eq!(
            code(r#"{"typ":"jwt","alg":"Ed25519","jku":"https://x"}"#),
            "unsupported_header"
        );
        assert_eq!(code(r#"{"alg":"none","alg":"Ed25519"}"#), "bad_header");
        assert_eq!(
            code(r#"{"alg":"Ed25519","typ":"jwt","typ":"x"}"#),
            "bad_header"
        );
        assert_eq!(code(r#"{"alg":"Ed25519","typ":null}"#), "bad_header");
        assert_eq!(code(r#"{"alg":["Ed25519"]}"#), "bad_header");
        assert_eq!(code(r#"{"typ":"jwt"}"#), "bad_header");
        assert_eq!(code(r#"["alg","Ed25519"]"#), "bad_header");
        // A refused algorithm is named as such, whatever else the header holds.
        assert_eq!(code(r#"{"alg":"none","crit":["x"]}"#), "bad_algorithm");
        let e = TokenError::UnsupportedHeader("x\u{1b}[2J".into()).to_string();
        assert!(e.contains("x\\u{1b}[2J"), "{e}");
        assert!(
            TokenError::UnsupportedHeader("crit".into())
                .to_string()
                .contains("RFC 7515")
        );
    }

    #[test]
    fn token_text_is_escaped_when_shown() {
        let e = TokenError::BadAlgorithm("\x1b[1A\x1b[2K\rPASS".into()).to_string();
        assert!(!e.chars().any(crate::text::is_unsafe), "{e}");
        let e = TokenError::InvalidIssuer("A\u{202e}B".into()).to_string();
        assert!(e.contains("A\\u{202e}B"), "{e}");
    }

    #[test]
    fn other_algorithms_are_rejected() {
        for alg in ["none", "HS256", "RS256", "ed25519"] {
            let header =
                BASE64URL_NOPAD.encode(format!(r#"{{"typ":"jwt","alg":"{alg}"}}"#).as_bytes());
            let token = format!("{header}.e30.");
            assert_eq!(
                Token::parse(&token).unwrap_err(),
                TokenError::BadAlgorithm(alg.into())
            );
        }
    }
}
