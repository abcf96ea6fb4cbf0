//! DSSE, the Dead Simple Signing Envelope (secure-systems-lab/dsse, protocol v1): what wzt
//! wraps an in-toto statement in, signed by an account key.
//!
//! ```json
//! {"payloadType":"application/vnd.in-toto+json","payload":"<base64>","signatures":[{"keyid":"A…","sig":"<base64>"}]}
//! ```
//!
//! The signature is ed25519 over the pre-authentication encoding (PAE) of the payload type and
//! the payload bytes, never over the JSON, so the envelope's own formatting does not matter.
//! `keyid` is the signer's account public key (nkeys text); a verifier holding that key (or its
//! 32 raw bytes) checks the signature with any DSSE implementation.
//!
//! Reading is bounded: the envelope's size, the payload's, the number of signatures and the
//! length of each field are capped before anything is decoded or verified, and the JSON is read
//! into fixed structs (an unknown or repeated member is refused), so a hostile envelope costs
//! time and memory linear in its capped size.

use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::keys::{self, Key, KeyRole};

/// The payload type of an in-toto statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The largest envelope read (a statement listing a few hundred crates is ~100 KiB).
pub const MAX_ENVELOPE_LEN: usize = 4 << 20;
/// The most signatures an envelope may carry (wzt writes one).
pub const MAX_SIGNATURES: usize = 16;
/// The longest `keyid` read (an nkeys public key is 56 characters).
const MAX_KEYID_LEN: usize = 256;
/// The longest base64 signature read (an ed25519 signature is 88 characters).
const MAX_SIG_LEN: usize = 256;

/// Why an envelope cannot be read. Text from the envelope is not kept: the reasons are wzt's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("it is larger than the {max} bytes wzt reads", max = MAX_ENVELOPE_LEN)]
    TooLarge,
    /// serde_json's message, which can quote the input (an unknown member's name).
    #[error("it is not a DSSE envelope: {}", crate::text::Untrusted(.0))]
    NotAnEnvelope(String),
    #[error(
        "its payloadType is not {IN_TOTO_PAYLOAD_TYPE} (an in-toto statement); it says {}",
        crate::text::Untrusted(.0)
    )]
    WrongPayloadType(String),
    #[error("its {0} is not base64")]
    BadBase64(&'static str),
    #[error("it carries {0} signatures; at most {max} are read", max = MAX_SIGNATURES)]
    TooManySignatures(usize),
    #[error("it carries no signature")]
    NoSignature,
}

/// One signature as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignature {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    keyid: String,
    sig: String,
}

/// The envelope as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnvelope {
    #[serde(rename = "payloadType")]
    payload_type: String,
    payload: String,
    signatures: Vec<RawSignature>,
}

/// A signature read from an envelope: who it names and the 64 bytes (`None` when the text was
/// not a base64 ed25519 signature: it then verifies under no key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeSignature {
    pub keyid: String,
    sig: Option<[u8; 64]>,
}

/// A parsed envelope: the payload's bytes, its type (always [`IN_TOTO_PAYLOAD_TYPE`]), and the
/// signatures, none of them checked yet. [`Envelope::verified_by`] checks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    payload: Vec<u8>,
    signatures: Vec<EnvelopeSignature>,
}

/// The pre-authentication encoding DSSE signs:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII decimal.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// Base64 as DSSE allows it: the standard or the URL-safe alphabet, padded or not. Anything
/// else (other characters, bad trailing bits, a wrong length) is refused.
fn decode_base64(text: &str, max_decoded: usize) -> Option<Vec<u8>> {
    let trimmed = text.trim_end_matches('=');
    let padded = text.len() != trimmed.len();
    if text.len() - trimmed.len() > 2
        || (padded && !text.len().is_multiple_of(4))
        || trimmed.len() / 4 * 3 > max_decoded
    {
        return None;
    }
    let url_safe = trimmed.bytes().any(|b| b == b'-' || b == b'_');
    let encoding = if url_safe {
        &data_encoding::BASE64URL_NOPAD
    } else {
        &data_encoding::BASE64_NOPAD
    };
    encoding.decode(trimmed.as_bytes()).ok()
}

impl Envelope {
    /// Signs `payload` (an in-toto statement's JSON) with `key`, an account key.
    pub fn sign(payload: Vec<u8>, key: &Key) -> Result<Envelope, SignError> {
        if key.role() != KeyRole::Account {
            return Err(SignError::NotAccount(key.role()));
        }
        let sig = key
            .sign(&pae(IN_TOTO_PAYLOAD_TYPE, &payload))
            .map_err(|_| SignError::NotAccount(key.role()))?;
        Ok(Envelope {
            payload,
            signatures: vec![EnvelopeSignature {
                keyid: key.public_key().to_string(),
                sig: Some(sig),
            }],
        })
    }

    /// Reads an envelope, within the bounds above. Its payload type must be in-toto's.
    pub fn parse(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        if bytes.len() > MAX_ENVELOPE_LEN {
            return Err(EnvelopeError::TooLarge);
        }
        let raw: RawEnvelope = serde_json::from_slice(bytes)
            .map_err(|e| EnvelopeError::NotAnEnvelope(e.to_string()))?;
        if raw.payload_type != IN_TOTO_PAYLOAD_TYPE {
            let mut shown: String = raw.payload_type.chars().take(100).collect();
            if shown.len() < raw.payload_type.len() {
                shown.push('…');
            }
            return Err(EnvelopeError::WrongPayloadType(shown));
        }
        if raw.signatures.len() > MAX_SIGNATURES {
            return Err(EnvelopeError::TooManySignatures(raw.signatures.len()));
        }
        if raw.signatures.is_empty() {
            return Err(EnvelopeError::NoSignature);
        }
        let payload = decode_base64(&raw.payload, MAX_ENVELOPE_LEN)
            .ok_or(EnvelopeError::BadBase64("payload"))?;
        let signatures = raw
            .signatures
            .into_iter()
            .map(|s| {
                if s.keyid.len() > MAX_KEYID_LEN || s.sig.len() > MAX_SIG_LEN {
                    return Err(EnvelopeError::NotAnEnvelope(
                        "a signature or keyid is longer than any ed25519 one".into(),
                    ));
                }
                // Base64 that is not 64 bytes is a signature that verifies under no key.
                let sig = decode_base64(&s.sig, MAX_SIG_LEN)
                    .ok_or(EnvelopeError::BadBase64("signature"))?
                    .try_into()
                    .ok();
                Ok(EnvelopeSignature {
                    keyid: s.keyid,
                    sig,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Envelope {
            payload,
            signatures,
        })
    }

    /// The envelope as JSON (standard base64, padded, as securesystemslib writes it), with a
    /// trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        let raw = RawEnvelope {
            payload_type: IN_TOTO_PAYLOAD_TYPE.to_string(),
            payload: data_encoding::BASE64.encode(&self.payload),
            signatures: self
                .signatures
                .iter()
                .map(|s| RawSignature {
                    keyid: s.keyid.clone(),
                    sig: s
                        .sig
                        .map(|b| data_encoding::BASE64.encode(&b))
                        .unwrap_or_default(),
                })
                .collect(),
        };
        let mut out = serde_json::to_vec(&raw).expect("an envelope always serializes");
        out.push(b'\n');
        out
    }

    /// The payload bytes. Nobody vouches for them until [`Envelope::verified_by`] found a
    /// signature.
    pub fn unverified_payload(&self) -> &[u8] {
        &self.payload
    }

    pub fn signatures(&self) -> &[EnvelopeSignature] {
        &self.signatures
    }

    /// The first of `trusted` (account public keys) that names itself as a signature's `keyid`
    /// and whose ed25519 signature over the PAE verifies strictly. Signatures by other keys,
    /// and unreadable ones, are ignored (DSSE with a threshold of one): the payload is
    /// authentic when one trusted key signed it.
    pub fn verified_by<'a>(&self, trusted: &'a [String]) -> Option<&'a str> {
        let message = pae(IN_TOTO_PAYLOAD_TYPE, &self.payload);
        self.signatures.iter().find_map(|s| {
            let key = trusted.iter().find(|t| **t == s.keyid)?;
            let raw = keys::parse_public_key_of(key, &[KeyRole::Account]).ok()?;
            let verifying = VerifyingKey::from_bytes(&raw).ok()?;
            let sig = Signature::from_bytes(s.sig.as_ref()?);
            verifying
                .verify_strict(&message, &sig)
                .is_ok()
                .then_some(key.as_str())
        })
    }
}

/// Why an envelope cannot be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("provenance is signed by an account key (SA…), but this is {} key", .0.with_article())]
    NotAccount(KeyRole),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_is_the_dsse_v1_encoding() {
        // The example of the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
    }

    #[test]
    fn a_signed_envelope_reads_back_and_verifies_only_under_its_key() {
        let key = Key::generate(KeyRole::Account);
        let other = Key::generate(KeyRole::Account);
        let envelope = Envelope::sign(b"{\"a\":1}".to_vec(), &key).unwrap();
        let json = envelope.to_json();
        let back = Envelope::parse(&json).unwrap();
        assert_eq!(back, envelope);
        assert_eq!(back.unverified_payload(), b"{\"a\":1}");
        let trusted = vec![key.public_key().to_string()];
        assert_eq!(back.verified_by(&trusted), Some(key.public_key()));
        assert_eq!(back.verified_by(&[other.public_key().to_string()]), None);
        assert_eq!(back.verified_by(&[]), None);
        assert!(matches!(
            Envelope::sign(vec![], &Key::generate(KeyRole::Module)),
            Err(SignError::NotAccount(KeyRole::Module))
        ));
    }

    fn envelope_with(payload: &str, sigs: &[(&str, &str)]) -> String {
        serde_json::json!({
            "payloadType": IN_TOTO_PAYLOAD_TYPE,
            "payload": payload,
            "signatures": sigs.iter().map(|(k, s)| serde_json::json!({"keyid": k, "sig": s})).collect::<Vec<_>>(),
        })
        .to_string()
    }

    #[test]
    fn a_changed_payload_or_a_signature_under_another_keyid_does_not_verify() {
        let key = Key::generate(KeyRole::Account);
        let trusted = vec![key.public_key().to_string()];
        let envelope = Envelope::sign(b"{}".to_vec(), &key).unwrap();
        let sig = data_encoding::BASE64.encode(&envelope.signatures[0].sig.unwrap());
        // The same signature over another payload.
        let forged = envelope_with(
            &data_encoding::BASE64.encode(b"{ }"),
            &[(key.public_key(), &sig)],
        );
        assert_eq!(
            Envelope::parse(forged.as_bytes())
                .unwrap()
                .verified_by(&trusted),
            None
        );
        // A valid signature beside a garbage one by the same keyid: the payload is authentic.
        let two = envelope_with(
            &data_encoding::BASE64.encode(b"{}"),
            &[
                (key.public_key(), &"A".repeat(88)),
                (key.public_key(), &sig),
            ],
        );
        assert!(
            Envelope::parse(two.as_bytes())
                .unwrap()
                .verified_by(&trusted)
                .is_some()
        );
        // A valid signature whose keyid names another (trusted) key is not taken.
        let other = Key::generate(KeyRole::Account);
        let misnamed = envelope_with(
            &data_encoding::BASE64.encode(b"{}"),
            &[(other.public_key(), &sig)],
        );
        let both = vec![key.public_key().to_string(), other.public_key().to_string()];
        assert_eq!(
            Envelope::parse(misnamed.as_bytes())
                .unwrap()
                .verified_by(&both),
            None
        );
    }

    #[test]
    fn base64_is_standard_or_url_safe_padded_or_not() {
        for text in ["+/8=", "+/8", "-_8=", "-_8"] {
            assert_eq!(decode_base64(text, 10), Some(vec![0xfb, 0xff]), "{text}");
        }
        for bad in ["+/8===", "+/8==", "+_8=", "a", "ab!c", "+/9="] {
            assert_eq!(decode_base64(bad, 10), None, "{bad}");
        }
        assert_eq!(decode_base64("AAAAAAAA", 5), None, "over the cap");
    }

    #[test]
    fn hostile_envelopes_are_refused_with_a_reason() {
        let ok_sig = [("AAAA", "AAAA")];
        let cases: Vec<(String, &str)> = vec![
            ("not json".into(), "not a DSSE envelope"),
            (envelope_with("!!!", &ok_sig), "payload is not base64"),
            (envelope_with("e30=", &[("k", "$$")]), "signature is not base64"),
            (envelope_with("e30=", &[]), "no signature"),
            (
                envelope_with("e30=", &vec![("k", "AAAA"); 17]),
                "17 signatures",
            ),
            (
                r#"{"payloadType":"text/plain","payload":"e30=","signatures":[]}"#.into(),
                "payloadType is not application/vnd.in-toto+json",
            ),
            (
                r#"{"payloadType":"application/vnd.in-toto+json","payloadType":"x","payload":"e30=","signatures":[]}"#.into(),
                "duplicate field",
            ),
            (
                r#"{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[],"extra":1}"#.into(),
                "unknown field",
            ),
        ];
        for (input, expected) in cases {
            let err = Envelope::parse(input.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(expected), "{input}: {err}");
        }
        let huge = vec![b' '; MAX_ENVELOPE_LEN + 1];
        assert_eq!(Envelope::parse(&huge), Err(EnvelopeError::TooLarge));
        // An escape sequence in the payload type is shown escaped.
        let esc = r#"{"payloadType":"\u001b[2Jx","payload":"e30=","signatures":[]}"#;
        let err = Envelope::parse(esc.as_bytes()).unwrap_err().to_string();
        assert!(
            err.contains("\\u{1b}[2Jx") && !err.contains('\u{1b}'),
            "{err}"
        );
    }
}
