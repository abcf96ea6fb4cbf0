//! Interop with the real thing: wasmCloud's `wascap` (and `nkeys`) read what wzt writes, and wzt
//! reads and verifies what wascap writes.

use crate::common::{self, Env, core_module, http_component, plain_component};
use wascap::jwt::{Claims, Component, validate_token};
use wascap::wasm::{embed_claims, extract_claims};

/// The artifacts both directions are checked on: a core module, a component with a nested core
/// module and custom sections, and a module whose section size is a padded (non-minimal) LEB128.
fn artifacts() -> Vec<(&'static str, Vec<u8>)> {
    let mut padded = vec![0, b'a', b's', b'm', 1, 0, 0, 0];
    // A type section holding zero types, its size 1 written in five bytes.
    padded.extend([1, 0x81, 0x80, 0x80, 0x80, 0x00, 0x00]);
    vec![
        ("module.wasm", core_module()),
        ("component.wasm", http_component()),
        ("plain.wasm", plain_component()),
        ("padded.wasm", padded),
    ]
}

#[test]
fn wascap_accepts_what_wzt_signs() {
    let env = Env::new();
    let account = common::store_account(&env);
    for (name, bytes) in artifacts() {
        env.write(name, &bytes);
        let out = env.json(
            &[
                "sign",
                name,
                "-o",
                "signed.wasm",
                "--caps",
                "http,kv",
                "--name",
                "echo",
                "--ver",
                "1.2.3",
                "--rev",
                "7",
                "--tag",
                "blue",
                "--call-alias",
                "team/echo",
                "--expires",
                "1d",
            ],
            0,
        );
        let signed = env.read("signed.wasm");
        let token = extract_claims(&signed)
            .unwrap_or_else(|e| panic!("{name}: wascap rejected it: {e}"))
            .unwrap_or_else(|| panic!("{name}: wascap found no claims"));
        let validation = validate_token::<Component>(&token.jwt).unwrap();
        assert!(validation.signature_valid, "{name}");
        assert!(!validation.expired && !validation.cannot_use_yet, "{name}");
        let claims = &token.claims;
        assert_eq!(claims.issuer, account.public_key(), "{name}");
        assert_eq!(claims.subject, out[0]["subject"].as_str().unwrap());
        assert_eq!(claims.id, out[0]["jti"].as_str().unwrap());
        assert_eq!(claims.expires, out[0]["expires"].as_u64());
        let meta = claims.metadata.as_ref().unwrap();
        // wascap recomputed the hash of the artifact and agrees with the claims (it checks this
        // inside extract_claims) and with wzt.
        assert_eq!(meta.module_hash, common::module_hash(&bytes), "{name}");
        assert_eq!(meta.name.as_deref(), Some("echo"));
        assert_eq!(meta.ver.as_deref(), Some("1.2.3"));
        assert_eq!(meta.rev, Some(7));
        assert_eq!(meta.tags.as_deref(), Some(&["blue".to_string()][..]));
        assert_eq!(meta.call_alias.as_deref(), Some("team/echo"));
        assert!(!meta.provider);
        // The key formats round-trip through nkeys.
        let issuer = nkeys::KeyPair::from_public_key(&claims.issuer).unwrap();
        assert_eq!(issuer.key_pair_type(), nkeys::KeyPairType::Account);
        let subject = nkeys::KeyPair::from_public_key(&claims.subject).unwrap();
        assert_eq!(subject.key_pair_type(), nkeys::KeyPairType::Module);
    }
}

#[test]
fn wzt_verifies_what_wascap_signs() {
    let env = Env::new();
    let account = nkeys::KeyPair::new_account();
    let module = nkeys::KeyPair::new_module();
    for (name, bytes) in artifacts() {
        let claims = Claims::<Component>::with_dates(
            "from-wascap".into(),
            account.public_key(),
            module.public_key(),
            Some(vec!["t1".into()]),
            None,
            Some(wzt::time::now() + 3600),
            false,
            Some(2),
            Some("0.9.0".into()),
            None,
        );
        let signed = embed_claims(&bytes, &claims, &account).unwrap();
        env.write(name, &signed);

        let inspected = env.json(&["inspect", name], 0);
        assert_eq!(inspected["signed"], true, "{name}");
        assert_eq!(inspected["hash_matches"], true, "{name}");
        assert_eq!(inspected["signature_valid"], true, "{name}");
        assert_eq!(inspected["claims"]["iss"], account.public_key());
        assert_eq!(inspected["claims"]["wascap"]["name"], "from-wascap");
        assert_eq!(inspected["claims"]["wascap"]["rev"], 2);
        assert_eq!(inspected["module_hash"], common::module_hash(&bytes));

        // Foreign issuer: refused by default trust, accepted once trusted explicitly.
        let refused = env.json(&["verify", name], 1);
        assert_eq!(refused[0]["failures"][0]["code"], "untrusted_issuer");
        let accepted = env.json(
            &["verify", name, "--trusted-issuer", &account.public_key()],
            0,
        );
        assert_eq!(accepted[0]["ok"], true, "{name}");

        // Re-signing a wascap artifact with wzt leaves exactly one signature, and wascap
        // still reads it.
        env.wzt()
            .args([
                "sign",
                name,
                "-o",
                "resigned.wasm",
                "--generate-keys",
                "--caps",
                "auto",
            ])
            .assert()
            .success();
        let resigned = env.read("resigned.wasm");
        assert_eq!(common::signature_sections(&resigned), 1);
        let token = extract_claims(&resigned).unwrap().unwrap();
        assert!(
            validate_token::<Component>(&token.jwt)
                .unwrap()
                .signature_valid
        );
    }
}

#[test]
fn wzt_tokens_carry_the_header_wascap_writes() {
    let env = Env::new();
    common::store_account(&env);
    env.write("p.wasm", &plain_component());
    env.wzt().args(["sign", "p.wasm"]).assert().success();
    let ours = env.json(&["inspect", "p_s.wasm", "--jwt-only"], 0)["jwt"]
        .as_str()
        .unwrap()
        .to_string();
    let account = nkeys::KeyPair::new_account();
    let claims = Claims::<Component>::new(
        "x".into(),
        account.public_key(),
        nkeys::KeyPair::new_module().public_key(),
        None,
        false,
        None,
        None,
        None,
    );
    let theirs = claims.encode(&account).unwrap();
    assert_eq!(ours.split('.').next(), theirs.split('.').next());
}

/// A token with per-resource scopes is still one wascap 0.16 reads and validates (it ignores
/// the member), and the hash it recomputes agrees.
#[test]
fn wascap_accepts_scoped_tokens() {
    let env = Env::new();
    let account = common::store_account(&env);
    let bytes = common::http_component();
    env.write("actor.wasm", &bytes);
    env.wzt()
        .args([
            "sign",
            "actor.wasm",
            "-o",
            "scoped.wasm",
            "--caps",
            "http,kv,msg",
        ])
        .args([
            "--scope",
            "kv.bucket=app",
            "--scope",
            "msg.publish=orders.>",
        ])
        .assert()
        .success();
    let signed = env.read("scoped.wasm");
    let token = extract_claims(&signed)
        .expect("wascap reads the scoped token")
        .expect("wascap finds the claims");
    let validation = validate_token::<Component>(&token.jwt).unwrap();
    assert!(validation.signature_valid);
    assert_eq!(token.claims.issuer, account.public_key());
    assert_eq!(
        token.claims.metadata.as_ref().unwrap().module_hash,
        common::module_hash(&bytes)
    );
    // wzt reads the scopes back from the same bytes.
    let json = env.json(&["inspect", "scoped.wasm"], 0);
    assert_eq!(
        json["claims"]["wascap"]["scopes"],
        serde_json::json!({"kv.bucket": ["app"], "msg.publish": ["orders.>"]})
    );
}
