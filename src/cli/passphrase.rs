//! Where the passphrase of an encrypted key comes from: `--passphrase-file FILE`, else
//! `WZT_KEY_PASSPHRASE`, else a hidden prompt on a terminal (asked twice when setting one).
//! Never from a plain flag value, which would end up in shell history and `ps`.

use std::path::PathBuf;

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use crate::keys::{PASSPHRASE_ENV, PassphraseError, PassphraseSource};

/// The CLI's [`PassphraseSource`].
pub struct CliPassphrases {
    /// `--passphrase-file`.
    pub file: Option<PathBuf>,
    /// Whether standard input is a terminal (then wzt may ask).
    pub terminal: bool,
}

impl CliPassphrases {
    /// The passphrase given without asking: the file's, else the environment's.
    fn given(&self) -> Result<Option<SecretString>, PassphraseError> {
        if let Some(path) = &self.file {
            let text = read_passphrase_file(path)?;
            // One trailing line ending is not part of the passphrase.
            let line = text
                .strip_suffix(b"\n")
                .map(|t| t.strip_suffix(b"\r").unwrap_or(t))
                .unwrap_or(&text[..]);
            let line = std::str::from_utf8(line).map_err(|_| {
                PassphraseError(format!(
                    "the passphrase file {} is not UTF-8 text",
                    path.display()
                ))
            })?;
            if line.is_empty() {
                return Err(PassphraseError(format!(
                    "the passphrase file {} is empty",
                    path.display()
                )));
            }
            return Ok(Some(SecretString::from(line.to_string())));
        }
        if let Some(value) = std::env::var_os(PASSPHRASE_ENV) {
            let value = Zeroizing::new(value.into_encoded_bytes());
            let text = std::str::from_utf8(&value)
                .map_err(|_| PassphraseError(format!("{PASSPHRASE_ENV} is not valid UTF-8")))?;
            if text.is_empty() {
                return Err(PassphraseError(format!(
                    "{PASSPHRASE_ENV} is set but empty"
                )));
            }
            return Ok(Some(SecretString::from(text.to_string())));
        }
        Ok(None)
    }

    fn not_given(&self, doing: &str) -> PassphraseError {
        PassphraseError(format!(
            "{doing} needs a passphrase: set {PASSPHRASE_ENV} or pass --passphrase-file FILE \
             (standard input is not a terminal, so wzt cannot ask)"
        ))
    }
}

fn prompt_error(e: dialoguer::Error) -> PassphraseError {
    PassphraseError(format!("cannot read a passphrase from the terminal: {e}"))
}

/// How many times a passphrase is asked at the prompt before a wrong one is final.
const PROMPT_ATTEMPTS: u32 = 3;

impl PassphraseSource for CliPassphrases {
    fn passphrase(&self, what: &str) -> Result<SecretString, PassphraseError> {
        if let Some(given) = self.given()? {
            return Ok(given);
        }
        if !self.terminal {
            return Err(self.not_given(&format!("{what} is passphrase-encrypted; opening it")));
        }
        let text =
            super::prompt::hidden(&format!("Passphrase for {what}"), None).map_err(prompt_error)?;
        Ok(SecretString::from(text))
    }

    fn attempts(&self) -> u32 {
        if self.file.is_none() && std::env::var_os(PASSPHRASE_ENV).is_none() && self.terminal {
            PROMPT_ATTEMPTS
        } else {
            1
        }
    }

    fn origin(&self) -> String {
        if let Some(path) = &self.file {
            format!(
                "it was read from {} (--passphrase-file); put the key's passphrase there",
                path.display()
            )
        } else if std::env::var_os(PASSPHRASE_ENV).is_some() {
            format!(
                "it came from {PASSPHRASE_ENV}; set that to the key's passphrase, or unset it to be asked on a terminal"
            )
        } else {
            format!("typed {PROMPT_ATTEMPTS} times at the prompt")
        }
    }

    fn rejected(&self, _what: &str, left: u32) {
        eprintln!(
            "wrong passphrase; try again ({left} {} left)",
            if left == 1 { "try" } else { "tries" }
        );
    }

    fn new_passphrase(&self, what: &str) -> Result<SecretString, PassphraseError> {
        if let Some(given) = self.given()? {
            return Ok(given);
        }
        if !self.terminal {
            return Err(self.not_given(&format!("encrypting {what}")));
        }
        let text = super::prompt::hidden(
            &format!("New passphrase for {what}"),
            Some(("Repeat the passphrase", "the passphrases differ; try again")),
        )
        .map_err(prompt_error)?;
        Ok(SecretString::from(text))
    }
}

/// Reads a passphrase file: a regular file (a FIFO or a device is refused at once, never waited
/// on or read without end), at most 64 KiB; the buffer is wiped on drop.
fn read_passphrase_file(
    path: &std::path::Path,
) -> Result<zeroize::Zeroizing<Vec<u8>>, PassphraseError> {
    let fail = |why: String| {
        PassphraseError(format!(
            "cannot read the passphrase file {}: {why}",
            path.display()
        ))
    };
    let mut bytes = zeroize::Zeroizing::new(Vec::new());
    crate::fsutil::CheckedFile::open(path, crate::fsutil::FileRules::named(64 << 10))
        .and_then(|file| file.read_into(&mut bytes))
        .map_err(|e| match e {
            crate::fsutil::FileError::Io { source, .. } => fail(source.to_string()),
            other => fail(format!("it is {}", other.problem())),
        })?;
    Ok(bytes)
}
