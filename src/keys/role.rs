//! What a key is for: its role, the first character of its public key.

use std::fmt;
use std::str::FromStr;

/// What a key is for; the first character of its public key (and the second of its seed) tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyRole {
    Account,
    Cluster,
    Module,
    Server,
    Operator,
    User,
    Service,
    Curve,
}

impl KeyRole {
    pub const ALL: [KeyRole; 8] = [
        KeyRole::Account,
        KeyRole::Cluster,
        KeyRole::Module,
        KeyRole::Server,
        KeyRole::Operator,
        KeyRole::User,
        KeyRole::Service,
        KeyRole::Curve,
    ];

    /// The nkeys prefix byte of a public key of this role.
    pub fn prefix_byte(self) -> u8 {
        match self {
            KeyRole::Account => 0,
            KeyRole::Cluster => 2 << 3,
            KeyRole::Module => 12 << 3,
            KeyRole::Server => 13 << 3,
            KeyRole::Operator => 14 << 3,
            KeyRole::User => 20 << 3,
            KeyRole::Service => 21 << 3,
            KeyRole::Curve => 23 << 3,
        }
    }

    pub fn from_prefix_byte(byte: u8) -> Option<KeyRole> {
        KeyRole::ALL.into_iter().find(|r| r.prefix_byte() == byte)
    }

    /// The first character of a public key of this role.
    pub fn letter(self) -> char {
        match self {
            KeyRole::Account => 'A',
            KeyRole::Cluster => 'C',
            KeyRole::Module => 'M',
            KeyRole::Server => 'N',
            KeyRole::Operator => 'O',
            KeyRole::User => 'U',
            KeyRole::Service => 'V',
            KeyRole::Curve => 'X',
        }
    }

    /// The role with its indefinite article: "an account", "a module".
    pub fn with_article(self) -> String {
        let article = if self == KeyRole::Account || self == KeyRole::Operator {
            "an"
        } else {
            "a"
        };
        format!("{article} {}", self.as_str())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KeyRole::Account => "account",
            KeyRole::Cluster => "cluster",
            KeyRole::Module => "module",
            KeyRole::Server => "server",
            KeyRole::Operator => "operator",
            KeyRole::User => "user",
            KeyRole::Service => "service",
            KeyRole::Curve => "curve",
        }
    }
}

impl fmt::Display for KeyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KeyRole {
    type Err = String;

    /// Role names are case-insensitive and accept the aliases users know from wash.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "account" => KeyRole::Account,
            "module" | "component" | "actor" => KeyRole::Module,
            "service" | "provider" => KeyRole::Service,
            "server" | "host" => KeyRole::Server,
            "cluster" => KeyRole::Cluster,
            "operator" => KeyRole::Operator,
            "user" => KeyRole::User,
            "curve" => KeyRole::Curve,
            _ => {
                return Err(format!(
                    "unknown key role '{s}'; expected one of: account, module (component, actor), \
                     service (provider), server (host), cluster, operator, user, curve"
                ));
            }
        })
    }
}
