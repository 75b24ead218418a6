//! Keys and policy for counting failed logins per client address and per account.

use std::net::{IpAddr, Ipv6Addr};

use serde::{Deserialize, Serialize};

/// Returns the failure-counting key of a client address: `v4:1.2.3.4` for IPv4 and
/// IPv4-mapped IPv6, and the /64 network such as `v6:2001:db8:1:2::/64` for other IPv6, so a
/// client cannot escape the count by rotating addresses inside its /64.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("v4:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("v4:{v4}"),
            None => {
                let segments = v6.segments();
                let network = Ipv6Addr::new(
                    segments[0],
                    segments[1],
                    segments[2],
                    segments[3],
                    0,
                    0,
                    0,
                    0,
                );
                format!("v6:{network}/64")
            }
        },
    }
}

/// Returns the failure-counting key of an account: `account:` and the trimmed, lower-case
/// username.
pub fn account_key(username: &str) -> String {
    let name = username.trim().to_lowercase();
    // No account name is this long; hashing it keeps a stored key short whatever is typed.
    if name.len() > MAX_KEY_NAME_BYTES {
        return format!("account:#{}", crate::token_digest(&name));
    }
    format!("account:{name}")
}

/// Longest name kept as it is in an account key, in bytes; longer ones are hashed.
const MAX_KEY_NAME_BYTES: usize = 64;

/// How many failed logins lock a key, and for how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LockoutPolicy {
    /// Failed attempts after which the key is locked.
    pub max_failures: u32,
    /// Lock duration in minutes.
    pub lock_minutes: u32,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lock_minutes: 15,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> String {
        address_key(text.parse().unwrap())
    }

    #[test]
    fn ipv4_keys() {
        assert_eq!(key("1.2.3.4"), "v4:1.2.3.4");
        assert_eq!(key("::ffff:1.2.3.4"), "v4:1.2.3.4");
    }

    #[test]
    fn ipv6_keys_cover_slash_64() {
        assert_eq!(
            key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            "v6:2001:db8:1:2::/64"
        );
        assert_eq!(key("2001:db8:1:2::1"), "v6:2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:3::1"), "v6:2001:db8:1:3::/64");
        assert_eq!(key("::1"), "v6:::/64");
    }

    #[test]
    fn account_keys_fold_case() {
        assert_eq!(account_key("  ZhangSan "), "account:zhangsan");
        assert_eq!(account_key("张三"), "account:张三");
    }

    #[test]
    fn lockout_defaults() {
        assert_eq!(
            LockoutPolicy::default(),
            LockoutPolicy {
                max_failures: 5,
                lock_minutes: 15
            }
        );
    }

    #[test]
    fn long_names_give_short_keys() {
        let typed = "x".repeat(1_000_000);
        let key = account_key(&typed);
        assert!(key.len() < 80, "{}", key.len());
        assert_eq!(key, account_key(&typed.to_uppercase()));
        assert_eq!(account_key(" Editor "), "account:editor");
    }
}
