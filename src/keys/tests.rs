//! The key formats against the nkeys crate, and the key store against hostile files.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use age::secrecy::SecretString;

use super::codec::abbreviate;
use super::encryption::{AGE_ARMOR_BEGIN, decrypt_seed};
use super::store::*;
use super::*;
use nkeys::{KeyPair, KeyPairType, XKey};

fn nkeys_type(role: KeyRole) -> KeyPairType {
    match role {
        KeyRole::Account => KeyPairType::Account,
        KeyRole::Cluster => KeyPairType::Cluster,
        KeyRole::Module => KeyPairType::Module,
        KeyRole::Server => KeyPairType::Server,
        KeyRole::Operator => KeyPairType::Operator,
        KeyRole::User => KeyPairType::User,
        KeyRole::Service => KeyPairType::Service,
        KeyRole::Curve => KeyPairType::Curve,
    }
}

/// A passphrase source that always answers `passphrase`.
struct Fixed(&'static str);

impl PassphraseSource for Fixed {
    fn passphrase(&self, _: &str) -> Result<SecretString, PassphraseError> {
        Ok(SecretString::from(self.0.to_string()))
    }
    fn new_passphrase(&self, _: &str) -> Result<SecretString, PassphraseError> {
        Ok(SecretString::from(self.0.to_string()))
    }
}

fn store_in(dir: &Path, passphrase: &'static str) -> KeyStore {
    KeyStore::new(dir.join("keys")).with_passphrases(Arc::new(Fixed(passphrase)))
}

#[test]
fn encoding_agrees_with_nkeys_for_every_role() {
    for role in KeyRole::ALL {
        // Our seeds and public keys, read by nkeys.
        let key = Key::generate(role);
        if role == KeyRole::Curve {
            let x = XKey::from_seed(key.seed()).unwrap();
            assert_eq!(x.public_key(), key.public_key());
            let theirs = XKey::new();
            let ours = Key::from_seed(&theirs.seed().unwrap()).unwrap();
            assert_eq!(ours.public_key(), theirs.public_key());
            assert_eq!(ours.seed(), theirs.seed().unwrap());
            continue;
        }
        let kp = KeyPair::from_seed(key.seed()).unwrap();
        assert_eq!(kp.public_key(), key.public_key(), "{role}");
        assert_eq!(kp.key_pair_type(), nkeys_type(role));
        // nkeys' seeds, read by us, sign exactly as nkeys does (ed25519 is deterministic).
        let theirs = KeyPair::new(nkeys_type(role));
        let ours = Key::from_seed(&theirs.seed().unwrap()).unwrap();
        assert_eq!(ours.seed(), theirs.seed().unwrap());
        assert_eq!(ours.public_key(), theirs.public_key());
        assert_eq!(
            ours.sign(b"message").unwrap().to_vec(),
            theirs.sign(b"message").unwrap()
        );
    }
}

#[test]
fn an_encrypted_seed_is_an_armored_age_file_without_the_seed_text() {
    let key = Key::generate(KeyRole::Account);
    let pass = SecretString::from("correct horse".to_string());
    let file = encrypt_seed(&key, &pass).unwrap();
    let text = String::from_utf8(file.clone()).unwrap();
    assert!(text.starts_with(AGE_ARMOR_BEGIN), "{text}");
    assert!(!text.contains(key.seed()));
    assert!(!text.contains(&key.seed()[2..20]));
    let path = Path::new("k.nk");
    let back = decrypt_seed(path, "k", &file, &pass).unwrap();
    assert_eq!(back.seed(), key.seed());
    let wrong = SecretString::from("wrong".to_string());
    assert!(matches!(
        decrypt_seed(path, "key 'k'", &file, &wrong),
        Err(StoreError::WrongPassphrase { what, .. }) if what == "key 'k'"
    ));
    assert!(matches!(
        encrypt_seed(&key, &SecretString::from(String::new())),
        Err(StoreError::EmptyPassphrase)
    ));
}

#[test]
fn the_store_keeps_encrypted_keys_with_their_public_key_beside() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path(), "pass phrase");
    let key = Key::generate(KeyRole::Account);
    store.save("plain", &key, false).unwrap();
    let (_, was_encrypted) = store.encrypt("plain").unwrap();
    assert!(!was_encrypted);
    let info = store.info("plain").unwrap();
    assert_eq!(
        info,
        KeyInfo {
            role: KeyRole::Account,
            public_key: key.public_key().to_string(),
            encrypted: true,
            public_only: false,
        }
    );
    // Listing and the default trust need no passphrase.
    let bare = KeyStore::new(store.dir());
    assert_eq!(
        bare.account_public_keys().unwrap().public_keys,
        vec![key.public_key()]
    );
    assert!(matches!(
        bare.load("plain"),
        Err(StoreError::Encrypted { .. })
    ));
    assert_eq!(store.load("plain").unwrap().seed(), key.seed());
    // A wrong passphrase changes nothing.
    let before = fs::read(store.path_of("plain").unwrap()).unwrap();
    let wrong = store_in(tmp.path(), "wrong");
    assert!(matches!(
        wrong.decrypt("plain"),
        Err(StoreError::WrongPassphrase { .. })
    ));
    assert_eq!(fs::read(store.path_of("plain").unwrap()).unwrap(), before);
    // A `.pub` naming another key is caught once the seed is open.
    let pub_path = store.public_key_path_of("plain").unwrap();
    let other = Key::generate(KeyRole::Account);
    fs::write(&pub_path, format!("{}\n", other.public_key())).unwrap();
    assert!(matches!(
        store.load("plain"),
        Err(StoreError::PublicKeyMismatch { .. })
    ));
    // Decrypting gives the plain file back and drops the `.pub`.
    assert_eq!(store.decrypt("plain").unwrap().seed(), key.seed());
    assert_eq!(
        fs::read_to_string(store.path_of("plain").unwrap()).unwrap(),
        format!("{}\n", key.seed())
    );
    assert!(!pub_path.exists());
    assert!(matches!(
        store.decrypt("plain"),
        Err(StoreError::NotEncrypted { .. })
    ));
}

#[cfg(unix)]
#[test]
fn the_store_refuses_what_it_should_not_trust() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path(), "x");
    store
        .save("account", &Key::generate(KeyRole::Account), false)
        .unwrap();
    let dir = store.dir().to_path_buf();
    assert_eq!(
        fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    // A group-writable store.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o770)).unwrap();
    let err = store.load("account").unwrap_err();
    assert!(
        matches!(err, StoreError::InsecureDir { mode: 0o770, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("chmod 700"));
    assert!(store.list().is_err());
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    // A symbolic link in place of a seed file.
    std::os::unix::fs::symlink(store.path_of("account").unwrap(), dir.join("link.nk")).unwrap();
    assert!(matches!(
        store.load("link"),
        Err(StoreError::Symlink { .. })
    ));
    // A FIFO: reported at once, never waited on.
    let fifo = dir.join("pipe.nk");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    assert!(matches!(
        store.load("pipe"),
        Err(StoreError::NotRegularFile {
            kind: "a FIFO (named pipe)",
            ..
        })
    ));
    let listed = store.list().unwrap();
    let names: Vec<_> = listed
        .iter()
        .map(|k| (k.name.as_str(), k.info.is_ok()))
        .collect();
    assert_eq!(names, [("account", true), ("link", false), ("pipe", false)]);
}

#[test]
fn every_role_round_trips_through_its_seed() {
    for role in KeyRole::ALL {
        let key = Key::generate(role);
        assert_eq!(key.public_key().len(), PUBLIC_KEY_LEN);
        assert!(key.public_key().starts_with(role.letter()), "{role}");
        assert_eq!(key.seed().len(), SEED_LEN);
        assert_eq!(&key.seed()[..2], format!("S{}", role.letter()));
        let again = Key::from_seed(&format!("{}\n", key.seed())).unwrap();
        assert_eq!(again.role(), role);
        assert_eq!(again.public_key(), key.public_key());
        assert_eq!(parse_public_key(key.public_key()).unwrap().0, role);
    }
}

#[test]
fn role_names_and_aliases_are_case_insensitive() {
    assert_eq!("ACCOUNT".parse::<KeyRole>().unwrap(), KeyRole::Account);
    assert_eq!("Actor".parse::<KeyRole>().unwrap(), KeyRole::Module);
    assert_eq!("component".parse::<KeyRole>().unwrap(), KeyRole::Module);
    assert_eq!("provider".parse::<KeyRole>().unwrap(), KeyRole::Service);
    assert_eq!("host".parse::<KeyRole>().unwrap(), KeyRole::Server);
    assert!("wizard".parse::<KeyRole>().is_err());
}

#[test]
fn each_bad_seed_has_its_own_error() {
    let good = Key::generate(KeyRole::Account);
    let seed = good.seed();
    assert_eq!(Key::from_seed("  \n").unwrap_err(), SeedError::Empty);
    assert_eq!(
        Key::from_seed(good.public_key()).unwrap_err(),
        SeedError::PublicKeyGiven(KeyRole::Account)
    );
    assert_eq!(
        Key::from_seed(&seed[..57]).unwrap_err(),
        SeedError::WrongLength(57)
    );
    let lower = seed.to_ascii_lowercase();
    assert_eq!(Key::from_seed(&lower).unwrap_err(), SeedError::NotBase32);
    // Change one character in the middle: the crc16 no longer matches.
    let mut chars: Vec<char> = seed.chars().collect();
    chars[20] = if chars[20] == 'A' { 'B' } else { 'A' };
    let flipped: String = chars.into_iter().collect();
    assert_eq!(
        Key::from_seed(&flipped).unwrap_err(),
        SeedError::BadChecksum
    );
}

#[test]
fn seed_shaped_input_is_refused_without_echo() {
    let seed = Key::generate(KeyRole::Account).seed().to_string();
    for given in [
        seed.clone(),
        format!(" {seed}\n"),
        seed[..56].to_string(),
        seed.to_ascii_lowercase(),
    ] {
        assert!(looks_like_seed(&given), "{given}");
        let e = parse_public_key(&given).unwrap_err();
        assert!(matches!(&e, PublicKeyError::SeedGiven(s) if s.eq_ignore_ascii_case("SA…")));
        let store = KeyStore::new("/nonexistent");
        let e = store.load(&given).unwrap_err().to_string();
        assert!(!e.contains(&seed[2..]), "{e}");
    }
    let public = Key::generate(KeyRole::Account).public_key().to_string();
    assert!(!looks_like_seed(&public));
    assert!(!looks_like_seed("account"));
    assert!(!looks_like_seed("STAGING_ACCOUNT"));
}

#[test]
fn non_ascii_key_text_is_an_error_not_a_panic() {
    // 58 and 56 bytes, as long as a seed and a public key, split inside a character.
    let seed_long = format!("S{}x", "é".repeat(28));
    let key_long = format!("A{}x", "é".repeat(27));
    for text in [&seed_long, &key_long, "Sé", "éé"] {
        assert!(parse_public_key(text).is_err());
        assert!(Key::from_seed(text).is_err());
    }
    assert_eq!(abbreviate("Sé€x"), "Sé…");
}

#[test]
fn curve_keys_cannot_sign() {
    let key = Key::generate(KeyRole::Curve);
    assert!(key.sign(b"x").is_err());
    assert!(Key::generate(KeyRole::Account).sign(b"x").is_ok());
}

#[test]
fn a_public_only_key_is_listed_trusted_by_role_and_removed_but_never_signs() {
    let tmp = tempfile::tempdir().unwrap();
    let store = KeyStore::new(tmp.path().join("keys"));
    let own = Key::generate(KeyRole::Account);
    store.save("account", &own, false).unwrap();
    let teammate = Key::generate(KeyRole::Account);
    let cluster = Key::generate(KeyRole::Cluster);
    let path = store
        .save_public("teammate", teammate.public_key(), false)
        .unwrap();
    assert_eq!(path, store.public_key_path_of("teammate").unwrap());
    store
        .save_public("cluster", cluster.public_key(), false)
        .unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format!("{}\n", teammate.public_key())
    );
    // Counted by the default trust of its role, listed as public only.
    let mut accounts = store.account_public_keys().unwrap();
    accounts.public_keys.sort();
    let mut expected = vec![
        own.public_key().to_string(),
        teammate.public_key().to_string(),
    ];
    expected.sort();
    assert_eq!(accounts.public_keys, expected);
    assert_eq!(
        store.public_keys_of(KeyRole::Cluster).unwrap().public_keys,
        vec![cluster.public_key()]
    );
    let listed = store.list().unwrap();
    let names: Vec<&str> = listed.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["account", "cluster", "teammate"]);
    let info = listed[2].info.as_ref().unwrap();
    assert!(info.public_only && !info.encrypted);
    assert_eq!(listed[2].path, path);
    // It holds no seed: loading, encrypting and generating over it all refuse.
    assert!(matches!(
        store.load("teammate"),
        Err(StoreError::PublicOnly {
            role: KeyRole::Account,
            ..
        })
    ));
    assert!(matches!(
        store.load_or_generate("cluster", KeyRole::Cluster),
        Err(StoreError::PublicOnly { .. })
    ));
    assert!(matches!(
        store.save_public("teammate", own.public_key(), false),
        Err(StoreError::Exists { .. })
    ));
    assert!(matches!(
        store.save("teammate", &own, false),
        Err(StoreError::Exists { .. })
    ));
    // Removing untrusts it.
    assert_eq!(store.remove("teammate").unwrap(), path);
    assert_eq!(
        store.account_public_keys().unwrap().public_keys,
        vec![own.public_key()]
    );
    assert!(matches!(
        store.remove("teammate"),
        Err(StoreError::NotFound { .. })
    ));
    // Replacing a seed with a public key removes the seed file.
    store
        .save_public("account", teammate.public_key(), true)
        .unwrap();
    assert!(!store.path_of("account").unwrap().exists());
    assert!(store.info("account").unwrap().public_only);
}

/// A person at a prompt: answers from a list in turn, and says where they came from.
struct Typed {
    answers: std::sync::Mutex<Vec<&'static str>>,
    attempts: u32,
    rejected: std::sync::Mutex<Vec<u32>>,
}

impl PassphraseSource for Typed {
    fn passphrase(&self, _: &str) -> Result<SecretString, PassphraseError> {
        let answer = self.answers.lock().unwrap().remove(0);
        Ok(SecretString::from(answer.to_string()))
    }
    fn new_passphrase(&self, _: &str) -> Result<SecretString, PassphraseError> {
        unreachable!("not asked")
    }
    fn attempts(&self) -> u32 {
        self.attempts
    }
    fn origin(&self) -> String {
        "typed at the prompt".into()
    }
    fn rejected(&self, _: &str, left: u32) {
        self.rejected.lock().unwrap().push(left);
    }
}

#[test]
fn a_prompt_is_asked_again_after_a_wrong_passphrase_and_the_last_says_where_it_came_from() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path(), "right");
    let key = Key::generate(KeyRole::Account);
    store.save("k", &key, false).unwrap();
    store.encrypt("k").unwrap();
    let typed = |answers: Vec<&'static str>, attempts| {
        Arc::new(Typed {
            answers: std::sync::Mutex::new(answers),
            attempts,
            rejected: Default::default(),
        })
    };
    let third_time = typed(vec!["no", "nope", "right"], 3);
    let store = KeyStore::new(store.dir()).with_passphrases(third_time.clone());
    assert_eq!(store.load("k").unwrap().seed(), key.seed());
    assert_eq!(*third_time.rejected.lock().unwrap(), [2, 1]);
    let never = typed(vec!["no", "nope", "still no"], 3);
    let store = KeyStore::new(store.dir()).with_passphrases(never);
    let err = store.load("k").unwrap_err();
    assert_eq!(
        err.to_string(),
        "wrong passphrase for key 'k': typed at the prompt"
    );
}
