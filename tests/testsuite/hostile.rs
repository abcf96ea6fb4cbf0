//! Hostile artifacts: one for each verification rule (docs/design.md §3) and each policy field (§4).
//! Each must be rejected by `wzt verify` with its own failure code (exit 1), or, when the file
//! itself is unreadable, with exit 2, and never with a panic.

use crate::common::{
    self, Env, claims_for, core_module, http_component, plain_component, stderr_of, with_token,
};
use data_encoding::BASE64URL_NOPAD;
use snapbox::str;
use wzt::claims::{self, Claims};
use wzt::keys::{Key, KeyRole};

/// Runs `wzt verify --json` on `bytes` with `extra` flags; returns exit code and failure codes.
fn verify(env: &Env, bytes: &[u8], extra: &[&str]) -> (i32, Vec<String>) {
    env.write("hostile.wasm", bytes);
    let out = env
        .wzt()
        .args(["verify", "hostile.wasm", "--json"])
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().expect("exited, not killed by a signal");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes = json[0]["failures"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| f["code"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    (code, codes)
}

/// Asserts the artifact is rejected (exit 1) with exactly `expected` failure codes.
fn rejected(env: &Env, bytes: &[u8], extra: &[&str], expected: &[&str]) {
    let (code, codes) = verify(env, bytes, extra);
    assert_eq!(codes, expected, "failure codes");
    assert_eq!(code, 1);
}

/// Signs `bytes` through the CLI with the store's keys (granting what it imports unless
/// `args` say otherwise) and returns the signed artifact.
fn signed(env: &Env, bytes: &[u8], args: &[&str]) -> Vec<u8> {
    env.write("input.wasm", bytes);
    let grants: &[&str] = if args.contains(&"--caps") {
        &[]
    } else {
        &["--caps", "auto"]
    };
    env.wzt()
        .args(["sign", "input.wasm", "-o", "signed.wasm"])
        .args(grants)
        .args(args)
        .assert()
        .success();
    env.read("signed.wasm")
}

fn forged(bytes: &[u8], claims: &Claims, signer: &Key) -> Vec<u8> {
    with_token(bytes, &claims::encode(claims, signer).unwrap())
}

fn setup() -> (Env, Key) {
    let env = Env::new();
    let account = common::store_account(&env);
    (env, account)
}

/// Finds `needle` in `haystack`, to flip a byte of a known part of the module.
fn offset_of(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present")
}

#[test]
fn a_valid_artifact_passes_so_the_rejections_below_mean_something() {
    let (env, account) = setup();
    let bytes = core_module();
    let (code, codes) = verify(
        &env,
        &forged(&bytes, &claims_for(&bytes, &account), &account),
        &[],
    );
    assert_eq!((code, codes.len()), (0, 0));
}

#[test]
fn flipped_bytes_in_code_data_and_custom_sections_break_the_hash() {
    let (env, _) = setup();
    let good = signed(&env, &core_module(), &[]);
    // In the code: the `i32.const 40` operand of `_start`.
    let code_at = offset_of(&good, &[0x41, 40]) + 1;
    // In the data segment, and in the unrelated custom section.
    let data_at = offset_of(&good, b"hello, data segment");
    let custom_at = offset_of(&good, b"kept as is");
    for at in [code_at, data_at, custom_at] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        rejected(&env, &bad, &[], &["hash_mismatch"]);
    }
}

#[test]
fn a_section_appended_after_signing_breaks_the_hash() {
    let (env, _) = setup();
    let mut bad = signed(&env, &plain_component(), &[]);
    // A custom section named "x" with one byte.
    bad.extend([0, 3, 1, b'x', 0xff]);
    rejected(&env, &bad, &[], &["hash_mismatch"]);
}

#[test]
fn two_signature_sections_are_rejected() {
    let (env, account) = setup();
    let bytes = http_component();
    let old = claims::encode(&claims_for(&bytes, &account), &account).unwrap();
    let new = claims::encode(&claims_for(&bytes, &account), &account).unwrap();
    // Both tokens are valid for these bytes: still, only one section is allowed.
    let mut bad = with_token(&bytes, &old);
    bad.extend(wzt::wasm::signature_section(&new));
    rejected(&env, &bad, &[], &["duplicate_signature"]);
    // The legacy `jwt` name counts as a signature section too.
    let mut legacy = with_token(&bytes, &new);
    let mut section = vec![0u8];
    let mut content = vec![3, b'j', b'w', b't'];
    content.extend(old.as_bytes());
    section.push(content.len() as u8 | 0x80);
    section.push((content.len() >> 7) as u8);
    section.extend(content);
    legacy.extend(section);
    rejected(&env, &legacy, &[], &["duplicate_signature"]);
}

/// A component whose inner core module carries a signature section holding `token`.
fn component_with_nested_token(token: &str) -> Vec<u8> {
    let inner = with_token(
        &wat::parse_str("(module (func (export \"f\")))").unwrap(),
        token,
    );
    let mut component = vec![0, b'a', b's', b'm', 0x0d, 0, 1, 0];
    component.push(1); // core module section
    let mut len = inner.len();
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            component.push(byte);
            break;
        }
        component.push(byte | 0x80);
    }
    component.extend(inner);
    component
}

#[test]
fn a_signature_nested_in_an_inner_module_is_rejected() {
    let (env, account) = setup();
    // Hash the component as if unsigned (nested sections are excluded from the hash), then
    // hide a perfectly valid token inside the inner module.
    let unsigned = component_with_nested_token("any.token.here");
    let claims = claims_for(&unsigned, &account);
    let token = claims::encode(&claims, &account).unwrap();
    let bad = component_with_nested_token(&token);
    rejected(&env, &bad, &[], &["nested_signature"]);
    // A nested old token beside a new top-level one (wascap would read the first it finds).
    let both = with_token(
        &bad,
        &claims::encode(&claims_for(&bad, &account), &account).unwrap(),
    );
    rejected(
        &env,
        &both,
        &[],
        &["duplicate_signature", "nested_signature"],
    );
}

#[test]
fn a_signature_moved_from_another_module_is_rejected() {
    let (env, _) = setup();
    signed(&env, &core_module(), &[]);
    let token = {
        let out = env
            .wzt()
            .args(["inspect", "signed.wasm", "--jwt-only"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let bad = with_token(&plain_component(), &token);
    rejected(&env, &bad, &[], &["hash_mismatch"]);
}

/// A token with the given header JSON over valid claims, signed by `signer` (or unsigned).
fn token_with_header(header: &str, claims: &Claims, signer: Option<&Key>) -> String {
    let input = format!(
        "{}.{}",
        BASE64URL_NOPAD.encode(header.as_bytes()),
        BASE64URL_NOPAD.encode(&serde_json::to_vec(claims).unwrap())
    );
    let signature = signer
        .map(|k| BASE64URL_NOPAD.encode(&k.sign(input.as_bytes()).unwrap()))
        .unwrap_or_default();
    format!("{input}.{signature}")
}

#[test]
fn algorithms_other_than_ed25519_are_rejected() {
    let (env, account) = setup();
    let bytes = plain_component();
    let claims = claims_for(&bytes, &account);
    for (header, signer) in [
        (r#"{"typ":"jwt","alg":"none"}"#, None),
        (r#"{"typ":"jwt","alg":"HS256"}"#, Some(&account)),
        (r#"{"alg":"RS256"}"#, Some(&account)),
    ] {
        let bad = with_token(&bytes, &token_with_header(header, &claims, signer));
        rejected(&env, &bad, &[], &["bad_algorithm"]);
    }
    // RFC 8037's EdDSA is accepted on read.
    let eddsa = with_token(
        &bytes,
        &token_with_header(r#"{"typ":"JWT","alg":"EdDSA"}"#, &claims, Some(&account)),
    );
    let (code, codes) = verify(&env, &eddsa, &[]);
    assert_eq!((code, codes), (0, vec![]));
    let bad_typ = with_token(
        &bytes,
        &token_with_header(
            r#"{"typ":"JOSE+JSON","alg":"Ed25519"}"#,
            &claims,
            Some(&account),
        ),
    );
    rejected(&env, &bad_typ, &[], &["bad_header"]);
}

#[test]
fn malformed_tokens_are_rejected() {
    let (env, account) = setup();
    let bytes = plain_component();
    rejected(
        &env,
        &with_token(&bytes, "not-a-jwt"),
        &[],
        &["malformed_token"],
    );
    rejected(
        &env,
        &with_token(&bytes, "a.b!.c"),
        &[],
        &["malformed_token"],
    );
    // A signature that does not verify: the claims were edited after signing.
    let good = claims::encode(&claims_for(&bytes, &account), &account).unwrap();
    let parts: Vec<&str> = good.split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&BASE64URL_NOPAD.decode(parts[1].as_bytes()).unwrap()).unwrap();
    claims["wascap"]["caps"] = serde_json::json!(["wasi:filesystem", "wasi:sockets"]);
    let edited = format!(
        "{}.{}.{}",
        parts[0],
        BASE64URL_NOPAD.encode(&serde_json::to_vec(&claims).unwrap()),
        parts[2]
    );
    rejected(&env, &with_token(&bytes, &edited), &[], &["bad_signature"]);
}

#[test]
fn an_issuer_that_is_not_an_account_key_is_rejected() {
    let (env, account) = setup();
    let bytes = plain_component();
    let module_key = Key::generate(KeyRole::Module);
    let mut claims = claims_for(&bytes, &account);
    claims.issuer = module_key.public_key().to_string();
    let bad = forged(&bytes, &claims, &module_key);
    // Trusting it explicitly does not help: the role is checked before trust.
    rejected(&env, &bad, &[], &["issuer_not_account", "untrusted_issuer"]);
    let mut claims = claims_for(&bytes, &account);
    claims.issuer = "ANOTAKEY".into();
    rejected(
        &env,
        &forged(&bytes, &claims, &account),
        &[],
        &["invalid_issuer", "untrusted_issuer"],
    );
    // The subject must be a module (or service) key.
    let mut claims = claims_for(&bytes, &account);
    claims.subject = account.public_key().to_string();
    rejected(
        &env,
        &forged(&bytes, &claims, &account),
        &[],
        &["subject_not_module"],
    );
}

#[test]
fn malformed_time_fields_are_errors_not_absent() {
    let (env, account) = setup();
    let bytes = plain_component();
    let claims = claims_for(&bytes, &account);
    for bad_exp in [r#""9999999999""#, "1.5e10", "-1", "null"] {
        let mut json = serde_json::to_value(&claims).unwrap();
        json.as_object_mut()
            .unwrap()
            .insert("exp".into(), serde_json::from_str(bad_exp).unwrap());
        let input = format!(
            "{}.{}",
            BASE64URL_NOPAD.encode(claims::HEADER_JSON.as_bytes()),
            BASE64URL_NOPAD.encode(&serde_json::to_vec(&json).unwrap())
        );
        let sig = BASE64URL_NOPAD.encode(&account.sign(input.as_bytes()).unwrap());
        rejected(
            &env,
            &with_token(&bytes, &format!("{input}.{sig}")),
            &[],
            &["malformed_claims"],
        );
    }
}

#[test]
fn expiry_and_not_before_are_enforced_with_leeway() {
    let (env, account) = setup();
    let bytes = plain_component();
    let now = wzt::time::now();
    let mut claims = claims_for(&bytes, &account);
    claims.expires = Some(now - 10);
    let expired = forged(&bytes, &claims, &account);
    rejected(&env, &expired, &[], &["expired"]);
    let (code, _) = verify(&env, &expired, &["--leeway", "1m"]);
    assert_eq!(
        code, 0,
        "a minute of leeway accepts a token expired 10 s ago"
    );

    let mut claims = claims_for(&bytes, &account);
    claims.not_before = Some(now + 3600);
    let early = forged(&bytes, &claims, &account);
    rejected(&env, &early, &[], &["not_yet_valid"]);
    rejected(&env, &early, &["--leeway", "30s"], &["not_yet_valid"]);
    let (code, _) = verify(&env, &early, &["--leeway", "2h"]);
    assert_eq!(code, 0);

    // Through the CLI, an expiry in the past is refused before anything is signed.
    env.write("past.wasm", &bytes);
    let out = env
        .wzt()
        .args(["sign", "past.wasm", "--expires", "2001-01-01T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("is not in the future"));
    assert!(!env.path("past_s.wasm").exists());
}

#[test]
fn an_untrusted_issuer_is_rejected_with_how_to_trust_it() {
    let (env, _) = setup();
    let stranger = Key::generate(KeyRole::Account);
    let bytes = plain_component();
    let bad = forged(&bytes, &claims_for(&bytes, &stranger), &stranger);
    rejected(&env, &bad, &[], &["untrusted_issuer"]);
    env.write("hostile.wasm", &bad);
    let out = env.wzt().args(["verify", "hostile.wasm"]).output().unwrap();
    let key = stranger.public_key();
    common::assert_snapshot(
        &String::from_utf8(out.stdout).unwrap(),
        str![[r#"
FAIL hostile.wasm
  [untrusted_issuer] issuer [STRANGER] is not trusted; trust it with `--trusted-issuer [STRANGER]`, import it into the key store (`wzt keys import NAME [STRANGER]`), or add it to trusted_issuers in the policy file

"#]],
        &[("[STRANGER]", key)],
    );
    let (code, _) = verify(&env, &bad, &["--trusted-issuer", key]);
    assert_eq!(code, 0);
    // Naming issuers replaces the default trust in the store's account keys.
    let own = signed(&env, &bytes, &[]);
    rejected(
        &env,
        &own,
        &["--trusted-issuer", key],
        &["untrusted_issuer"],
    );
    // A policy file does the same.
    std::fs::write(
        env.path("policy.toml"),
        format!("trusted_issuers = [\"{key}\", \"account\"]\n"),
    )
    .unwrap();
    assert_eq!(verify(&env, &bad, &["--policy", "policy.toml"]).0, 0);
    assert_eq!(verify(&env, &own, &["--policy", "policy.toml"]).0, 0);
    // A trusted issuer that is not an account key is a usage error.
    let out = env
        .wzt()
        .args(["verify", "hostile.wasm", "--trusted-issuer"])
        .arg(Key::generate(KeyRole::Module).public_key())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn revoked_tokens_and_subjects_are_rejected() {
    let (env, account) = setup();
    let bytes = plain_component();
    let claims = claims_for(&bytes, &account);
    let artifact = forged(&bytes, &claims, &account);
    rejected(&env, &artifact, &["--revoke", &claims.id], &["revoked"]);
    rejected(
        &env,
        &artifact,
        &["--revoke", &claims.subject],
        &["revoked"],
    );
    std::fs::write(
        env.path("policy.toml"),
        format!("revoked = [\"{}\"]\n", claims.id),
    )
    .unwrap();
    rejected(&env, &artifact, &["--policy", "policy.toml"], &["revoked"]);
}

#[test]
fn capability_policies_are_enforced() {
    let (env, _) = setup();
    let artifact = signed(&env, &http_component(), &["--caps", "http,kv"]);
    rejected(
        &env,
        &artifact,
        &["--require-cap", "msg"],
        &["missing_required_cap"],
    );
    assert_eq!(verify(&env, &artifact, &["--require-cap", "kv"]).0, 0);
    rejected(
        &env,
        &artifact,
        &["--allow-cap", "http"],
        &["cap_not_allowed"],
    );
    assert_eq!(
        verify(
            &env,
            &artifact,
            &["--allow-cap", "http", "--allow-cap", "kv"]
        )
        .0,
        0
    );
    std::fs::write(
        env.path("policy.toml"),
        "required_caps = [\"wasmcloud:messaging\"]\nallowed_caps = [\"http\"]\n",
    )
    .unwrap();
    rejected(
        &env,
        &artifact,
        &["--policy", "policy.toml"],
        &["missing_required_cap", "cap_not_allowed"],
    );
}

#[test]
fn age_expiry_and_name_policies_are_enforced() {
    let (env, account) = setup();
    let bytes = plain_component();
    let mut claims = claims_for(&bytes, &account);
    claims.issued_at = wzt::time::now() - 100 * 86400;
    claims.metadata.ver = None;
    let old = forged(&bytes, &claims, &account);
    rejected(&env, &old, &["--max-age", "90d"], &["too_old"]);
    assert_eq!(verify(&env, &old, &["--max-age", "120d"]).0, 0);
    rejected(&env, &old, &["--require-expiry"], &["no_expiry"]);
    rejected(
        &env,
        &old,
        &["--require-name-version"],
        &["missing_name_version"],
    );
    std::fs::write(
        env.path("policy.toml"),
        "max_age = \"30d\"\nrequire_expiry = true\nrequire_name_version = true\n",
    )
    .unwrap();
    rejected(
        &env,
        &old,
        &["--policy", "policy.toml"],
        &["too_old", "no_expiry", "missing_name_version"],
    );
}

#[test]
fn unsigned_artifacts_fail_unless_the_policy_allows_them() {
    let (env, _) = setup();
    rejected(&env, &plain_component(), &[], &["unsigned"]);
    assert_eq!(verify(&env, &plain_component(), &["--allow-unsigned"]).0, 0);
    std::fs::write(env.path("policy.toml"), "allow_unsigned = true\n").unwrap();
    assert_eq!(
        verify(&env, &plain_component(), &["--policy", "policy.toml"]).0,
        0
    );
}

#[test]
fn a_policy_file_with_a_typo_is_an_error() {
    let (env, _) = setup();
    std::fs::write(env.path("policy.toml"), "alow_unsigned = true\n").unwrap();
    env.write("p.wasm", &plain_component());
    let out = env
        .wzt()
        .args(["verify", "p.wasm", "--policy", "policy.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unknown field `alow_unsigned`"), "{err}");
}

#[test]
fn truncated_and_oversized_files_are_input_errors_not_panics() {
    let (env, _) = setup();
    let good = signed(&env, &core_module(), &[]);
    // (Cut at 8 would leave a valid empty module: unsigned, exit 1.)
    for cut in [3, 7, 9, good.len() / 2, good.len() - 1] {
        env.write("hostile.wasm", &good[..cut]);
        let out = env.wzt().args(["verify", "hostile.wasm"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "cut at {cut}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.starts_with("error: cannot read hostile.wasm"), "{err}");
    }
    // A section claiming 4 GiB in a 14-byte file.
    let mut tiny = vec![0, b'a', b's', b'm', 1, 0, 0, 0];
    tiny.extend([0, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    env.write("hostile.wasm", &tiny);
    let out = env.wzt().args(["verify", "hostile.wasm"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: cannot read hostile.wasm: the file is truncated or corrupt: the section at offset 8 declares 4294967295 bytes but only 0 remain\n"
    );
    // The same through inspect and sign.
    for cmd in [
        &["inspect", "hostile.wasm"][..],
        &["sign", "hostile.wasm"][..],
    ] {
        let out = env.wzt().args(cmd).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
    }
}

#[test]
fn unsigned_grants_obey_the_policy_capability_rules() {
    let env = Env::new();
    env.write("p.wasm", &plain_component());
    // `--caps` grants an unsigned actor capabilities: the policy's allowed_caps applies to them.
    let out = env
        .wzt()
        .args(["run", "p.wasm", "--allow-unsigned", "--caps", "kv,http"])
        .args(["--allow-cap", "http"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr_of(&out),
        "refusing to run p.wasm:\n  [cap_not_allowed] capability wasmcloud:keyvalue is granted but the policy's allowed_caps does not allow it\n"
    );
    // And required_caps.
    let out = env
        .wzt()
        .args(["run", "p.wasm", "--allow-unsigned", "--require-cap", "log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr_of(&out),
        "refusing to run p.wasm:\n  [missing_required_cap] the policy requires capability wasmcloud:builtin:logging, which this unsigned actor is not granted; grant it with `--caps`\n"
    );
}

// ---- Issue 10: hostile input never crashes, stalls or fools the verifier ----

/// Runs `wzt ARGS` in `env` and returns (exit code, stdout, stderr), asserting it exited
/// (no signal) and did not panic.
fn run_wzt(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.wzt().args(args).output().unwrap();
    let code = out.status.code().expect("exited, not killed by a signal");
    let (stdout, stderr) = (common::stdout_of(&out), common::stderr_of(&out));
    assert_ne!(code, 101, "wzt {args:?} panicked: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    (code, stdout, stderr)
}

/// Whether `text` holds a character a terminal would interpret (escape sequences, carriage
/// returns, bidirectional overrides) other than the line breaks between lines.
fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| c != '\n' && wzt::text::is_unsafe(c))
}

#[test]
fn non_ascii_key_fields_are_refused_not_a_panic() {
    let (env, account) = setup();
    let bytes = plain_component();
    // 58 and 56 bytes long, the lengths of a seed and a public key, with a multi-byte
    // character across the byte index an abbreviation would cut at.
    for issuer in [
        format!("S{}x", "é".repeat(28)),
        format!("A{}x", "é".repeat(27)),
    ] {
        let mut claims = claims_for(&bytes, &account);
        claims.issuer = issuer.clone();
        claims.subject = format!("M{}", "€".repeat(18));
        let bad = forged(&bytes, &claims, &account);
        rejected(&env, &bad, &[], &["invalid_issuer", "untrusted_issuer"]);
        env.write("hostile.wasm", &bad);
        let (code, stdout, _) = run_wzt(&env, &["inspect", "hostile.wasm"]);
        assert_eq!(code, 0);
        assert!(stdout.contains(&issuer), "{stdout}");
        let (code, _, stderr) = run_wzt(&env, &["run", "hostile.wasm"]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("[invalid_issuer]"), "{stderr}");
    }
    // A subject that is not a key, with the same trap.
    let mut claims = claims_for(&bytes, &account);
    claims.subject = format!("S{}x", "é".repeat(28));
    rejected(
        &env,
        &forged(&bytes, &claims, &account),
        &[],
        &["subject_not_module"],
    );
    // And a time that is not ASCII where `--expires` expects one.
    env.write("p.wasm", &bytes);
    let (code, _, stderr) = run_wzt(
        &env,
        &["sign", "p.wasm", "--expires", "2027-01-01T00:00:00+0é:00"],
    );
    assert_eq!(code, 2, "{stderr}");
}

/// A component nested `levels` deep, built in linear time: each level is a component header
/// and one component section around the next.
fn deeply_nested_component(levels: usize) -> Vec<u8> {
    const COMPONENT: [u8; 8] = [0, b'a', b's', b'm', 0x0d, 0, 1, 0];
    fn leb(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    // sizes[k]: the size of the binary at depth k (the innermost is an empty component).
    let mut sizes = vec![COMPONENT.len(); levels + 1];
    for k in (0..levels).rev() {
        let mut header = Vec::new();
        leb(sizes[k + 1], &mut header);
        sizes[k] = COMPONENT.len() + 1 + header.len() + sizes[k + 1];
    }
    let mut out = Vec::with_capacity(sizes[0]);
    for size in &sizes[1..] {
        out.extend(COMPONENT);
        out.push(4); // a component section
        leb(*size, &mut out);
    }
    out.extend(COMPONENT);
    assert_eq!(out.len(), sizes[0]);
    out
}

#[test]
fn a_component_nested_hundreds_of_thousands_deep_is_an_input_error() {
    let (env, _) = setup();
    let deep = deeply_nested_component(300_000);
    assert!(deep.len() > 2 << 20, "a 2 MB file");
    env.write("deep.wasm", &deep);
    for cmd in ["verify", "inspect", "run"] {
        let (code, _, stderr) = run_wzt(&env, &[cmd, "deep.wasm"]);
        assert_eq!(code, 2, "{cmd}: {stderr}");
        assert!(stderr.contains("too deeply nested"), "{cmd}: {stderr}");
    }
    let (code, stdout, _) = run_wzt(&env, &["verify", "deep.wasm", "--json"]);
    assert_eq!(code, 2);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json[0]["error_code"], "too_deeply_nested");
    // At the limit it still reads: an unsigned artifact, exit 1.
    env.write(
        "ok.wasm",
        &deeply_nested_component(wzt::wasm::MAX_NESTING_DEPTH as usize),
    );
    assert_eq!(run_wzt(&env, &["verify", "ok.wasm"]).0, 1);
}

/// `wzt ARGS`, timed, with its peak memory when /usr/bin/time can tell (GNU time's %M, KiB).
fn timed(env: &Env, args: &[&str]) -> (i32, std::time::Duration, Option<u64>) {
    let report = env.path("time.txt");
    let gnu_time = std::path::Path::new("/usr/bin/time").exists();
    let mut cmd = if gnu_time {
        let mut cmd = std::process::Command::new("/usr/bin/time");
        cmd.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&report)
            .arg(env!("CARGO_BIN_EXE_wzt"));
        cmd
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_wzt"))
    };
    cmd.current_dir(env.work())
        .env("WZT_KEYS_DIR", env.keys_dir())
        .args(args);
    let started = std::time::Instant::now();
    let out = cmd.output().unwrap();
    let elapsed = started.elapsed();
    let code = out.status.code().expect("exited");
    assert!(!common::stderr_of(&out).contains("panicked"));
    let peak = gnu_time
        .then(|| std::fs::read_to_string(&report).ok())
        .flatten()
        .and_then(|t| t.lines().last()?.trim().parse().ok());
    (code, elapsed, peak)
}

#[test]
fn a_million_sections_are_rejected_in_well_under_a_second() {
    let (env, _) = setup();
    let empty = [0, b'a', b's', b'm', 1, 0, 0, 0];
    // A million empty `jwt` sections (6 MB): the second signature section decides.
    let mut jwt = empty.to_vec();
    let mut other = empty.to_vec();
    for _ in 0..1_000_000 {
        jwt.extend([0, 4, 3, b'j', b'w', b't']);
        other.extend([0, 2, 1, b'x']);
    }
    env.write("jwt.wasm", &jwt);
    env.write("other.wasm", &other);
    let (code, elapsed, peak) = timed(&env, &["verify", "jwt.wasm"]);
    assert_eq!(code, 1);
    assert!(elapsed.as_millis() < 1000, "{elapsed:?}");
    let small = timed(&env, &["verify", "other.wasm"]);
    // A million sections that are not signatures: refused at the section limit.
    assert_eq!(small.0, 2);
    assert!(small.1.as_millis() < 1000, "{:?}", small.1);
    // Memory does not follow the section count: both stay near what `wzt` needs to start.
    for kib in [peak, small.2].into_iter().flatten() {
        assert!(kib < 64 << 10, "peak memory {kib} KiB");
    }
    let (_, stdout, _) = run_wzt(&env, &["verify", "jwt.wasm"]);
    assert!(stdout.contains("[duplicate_signature]"), "{stdout}");
    assert!(
        stdout.contains("at least 17 signature sections"),
        "{stdout}"
    );
    let (code, _, stderr) = run_wzt(&env, &["verify", "other.wasm"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("too many sections"), "{stderr}");
    // Signing strips every old section within the limit, and refuses beyond it.
    let (code, _, stderr) = run_wzt(&env, &["sign", "jwt.wasm"]);
    assert_eq!(code, 2, "{stderr}");
    let mut few = empty.to_vec();
    for _ in 0..50_000 {
        few.extend([0, 4, 3, b'j', b'w', b't']);
    }
    env.write("few.wasm", &few);
    let (code, stdout, _) = run_wzt(&env, &["sign", "few.wasm", "--json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json[0]["replaced_signatures"], 50_000);
    assert_eq!(common::signature_sections(&env.read("few_s.wasm")), 1);
}

#[test]
fn text_from_the_artifact_never_reaches_the_terminal_raw() {
    let (env, account) = setup();
    let bytes = plain_component();
    let evil = "\x1b[1A\x1b[2K\rPASS app.wasm \u{202e}";
    let mut artifacts = Vec::new();
    // The issuer.
    let mut claims = claims_for(&bytes, &account);
    claims.issuer = evil.into();
    artifacts.push(forged(&bytes, &claims, &account));
    // The claimed hash (a valid signature: the hash mismatch message quotes it).
    let mut claims = claims_for(&bytes, &account);
    claims.metadata.module_hash = evil.into();
    artifacts.push(forged(&bytes, &claims, &account));
    // The algorithm name, the token id, an unknown header member and capability.
    let claims = claims_for(&bytes, &account);
    let header = serde_json::json!({ "typ": "jwt", "alg": evil }).to_string();
    artifacts.push(with_token(
        &bytes,
        &token_with_header(&header, &claims, Some(&account)),
    ));
    let header = serde_json::json!({ "alg": "Ed25519", evil: 1 }).to_string();
    artifacts.push(with_token(
        &bytes,
        &token_with_header(&header, &claims, Some(&account)),
    ));
    let mut claims = claims_for(&bytes, &account);
    claims.id = evil.into();
    claims.metadata.caps = Some(vec![evil.into()]);
    claims.metadata.name = Some(evil.into());
    artifacts.push(forged(&bytes, &claims, &account));
    for (i, artifact) in artifacts.iter().enumerate() {
        env.write("hostile.wasm", artifact);
        let args: [&[&str]; 4] = [
            &["verify", "hostile.wasm"],
            &[
                "verify",
                "hostile.wasm",
                "--allow-cap",
                "http",
                "--revoke",
                evil,
            ],
            &["inspect", "hostile.wasm"],
            &["run", "hostile.wasm"],
        ];
        for args in args {
            // `run` of the one that verifies exits 2: the component has no entry point.
            let (code, stdout, stderr) = run_wzt(&env, args);
            assert!(code <= 2, "#{i} {args:?}: {code} {stderr}");
            assert!(!has_raw_control(&stdout), "#{i} {args:?}: {stdout:?}");
            assert!(!has_raw_control(&stderr), "#{i} {args:?}: {stderr:?}");
        }
        // JSON keeps the raw value, escaped by JSON itself.
        let (_, stdout, _) = run_wzt(&env, &["verify", "hostile.wasm", "--json"]);
        assert!(!has_raw_control(&stdout), "{stdout:?}");
    }
}

#[test]
fn guest_function_names_in_a_trap_are_escaped() {
    use wasm_encoder::{
        CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction, Module,
        NameMap, NameSection, TypeSection,
    };
    let (env, _) = setup();
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], []);
    module.section(&types);
    let mut functions = FunctionSection::new();
    functions.function(0).function(0);
    module.section(&functions);
    let mut exports = ExportSection::new();
    exports.export("_start", ExportKind::Func, 0);
    module.section(&exports);
    let mut code = CodeSection::new();
    let mut start = Function::new([]);
    start
        .instruction(&Instruction::Call(1))
        .instruction(&Instruction::End);
    code.function(&start);
    let mut evil = Function::new([]);
    evil.instruction(&Instruction::Unreachable)
        .instruction(&Instruction::End);
    code.function(&evil);
    module.section(&code);
    let mut names = NameSection::new();
    let mut functions = NameMap::new();
    functions.append(0, "_start");
    functions.append(1, "evil\x1b[2K\rPASS\u{202e}");
    names.functions(&functions);
    module.section(&names);
    env.write("trap.wasm", &module.finish());
    let (code, stdout, stderr) = run_wzt(&env, &["run", "trap.wasm", "--allow-unsigned"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("evil\\u{1b}[2K\\rPASS"), "{stderr}");
    assert!(
        !has_raw_control(&stdout) && !has_raw_control(&stderr),
        "{stderr:?}"
    );
}

#[test]
fn crit_and_unknown_header_members_are_refused() {
    let (env, account) = setup();
    let bytes = plain_component();
    let claims = claims_for(&bytes, &account);
    for header in [
        r#"{"typ":"jwt","alg":"Ed25519","crit":["exp"],"exp":1}"#,
        r#"{"alg":"EdDSA","crit":["b64"],"b64":false}"#,
        r#"{"typ":"jwt","alg":"Ed25519","jku":"https://attacker.example/keys"}"#,
        r#"{"typ":"jwt","alg":"Ed25519","kid":"other"}"#,
    ] {
        let bad = with_token(&bytes, &token_with_header(header, &claims, Some(&account)));
        rejected(&env, &bad, &[], &["unsupported_header"]);
    }
    // Two `alg`s: which one a reader takes is not to be guessed.
    let twice = r#"{"typ":"jwt","alg":"none","alg":"Ed25519"}"#;
    let bad = with_token(&bytes, &token_with_header(twice, &claims, Some(&account)));
    rejected(&env, &bad, &[], &["bad_header"]);
}

#[test]
fn a_token_issued_in_the_future_never_ages_so_it_is_refused() {
    let (env, account) = setup();
    let bytes = plain_component();
    let mut claims = claims_for(&bytes, &account);
    claims.issued_at = wzt::time::now() + 10 * 365 * 86400;
    let future = forged(&bytes, &claims, &account);
    rejected(&env, &future, &[], &["issued_in_future"]);
    rejected(&env, &future, &["--max-age", "1d"], &["issued_in_future"]);
    // Clock skew within the leeway is forgiven.
    let mut claims = claims_for(&bytes, &account);
    claims.issued_at = wzt::time::now() + 20;
    let skewed = forged(&bytes, &claims, &account);
    rejected(&env, &skewed, &[], &["issued_in_future"]);
    assert_eq!(verify(&env, &skewed, &["--leeway", "1m"]).0, 0);
    // Times past year 9999 are shown, not a panic.
    let mut claims = claims_for(&bytes, &account);
    claims.issued_at = u64::MAX;
    claims.not_before = Some(u64::MAX);
    claims.expires = Some(u64::MAX);
    let far = forged(&bytes, &claims, &account);
    rejected(&env, &far, &[], &["not_yet_valid", "issued_in_future"]);
    env.write("far.wasm", &far);
    assert_eq!(run_wzt(&env, &["inspect", "far.wasm"]).0, 0);
}

#[test]
fn a_seed_where_a_name_or_public_key_belongs_is_refused_and_never_echoed() {
    let (env, account) = setup();
    let seed = account.seed().to_string();
    let secret = &seed[2..];
    env.write("p.wasm", &plain_component());
    std::fs::write(
        env.path("policy.toml"),
        format!("trusted_issuers = [\"{seed}\"]\n"),
    )
    .unwrap();
    let truncated = &seed[..56];
    let cases: Vec<Vec<&str>> = vec![
        vec!["sign", "p.wasm", "--issuer", &seed],
        vec!["sign", "p.wasm", "--subject", &seed],
        vec!["verify", "p.wasm", "--trusted-issuer", &seed],
        vec!["verify", "p.wasm", "--trusted-issuer", truncated],
        vec!["verify", "p.wasm", "--policy", "policy.toml"],
        vec!["keys", "show", &seed],
        vec!["run", "p.wasm", "--trusted-issuer", &seed],
    ];
    for args in cases {
        let (code, stdout, stderr) = run_wzt(&env, &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            !stdout.contains(secret),
            "{args:?} echoes the seed: {stdout}"
        );
        assert!(
            !stderr.contains(secret),
            "{args:?} echoes the seed: {stderr}"
        );
        assert!(!stderr.contains(&truncated[2..]), "{args:?}: {stderr}");
        assert!(
            stderr.contains("seed"),
            "{args:?} does not say why: {stderr}"
        );
    }
}

#[test]
fn a_seed_in_a_broken_policy_file_is_not_echoed() {
    let env = Env::new();
    common::store_account(&env);
    env.write("m.wasm", &core_module());
    let seed = Key::generate(KeyRole::Account);
    for text in [
        format!("trusted_issuers = \"{}\"\n", seed.seed()),
        format!("trusted_issuers = [\"{}\"\n", seed.seed()),
        format!("bogus = \"{}\"\n", seed.seed()),
    ] {
        env.write("p.toml", text.as_bytes());
        let out = env
            .wzt()
            .args(["verify", "--policy", "p.toml", "m.wasm"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let all = format!("{}{}", common::stdout_of(&out), stderr_of(&out));
        assert!(!all.contains(seed.seed()), "{all}");
        assert!(all.contains("a seed, not shown"), "{all}");
    }
}
