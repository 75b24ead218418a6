//! Password composition policy: length limits, character classes and the username rule, as
//! level-3 protection practice expects for staff passwords.

use serde::{Deserialize, Serialize};

/// Lowest `min_length` that [`PasswordPolicy::validate`] accepts.
const LOWEST_MIN_LENGTH: usize = 8;

/// Highest `max_length` that [`PasswordPolicy::validate`] accepts.
const HIGHEST_MAX_LENGTH: usize = 1024;

/// Shortest username that the "contains username" rule applies to.
const MIN_USERNAME_CHARS: usize = 3;

/// Composition rules for staff passwords. Lengths count characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Minimum number of characters.
    pub min_length: usize,
    /// Minimum number of character classes out of four: ASCII lowercase, ASCII uppercase,
    /// digits, and everything else (symbols).
    pub min_classes: u8,
    /// Maximum number of characters.
    pub max_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            min_classes: 3,
            max_length: 128,
        }
    }
}

/// A rule of [`PasswordPolicy`] that a password breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The password has fewer than `min` characters.
    #[error("password is shorter than {min} characters; choose a longer password")]
    TooShort { min: usize },

    /// The password has more than `max` characters.
    #[error("password is longer than {max} characters; choose a shorter password")]
    TooLong { max: usize },

    /// The password uses `found` character classes but `min` are required.
    #[error(
        "password uses {found} of the 4 character classes (lowercase letters, uppercase letters, \
         digits, symbols) but at least {min} are required; add characters from other classes"
    )]
    TooFewClasses { min: u8, found: u8 },

    /// The password contains the account's username.
    #[error("password contains the username; choose a password without it")]
    ContainsUsername,
}

impl PolicyError {
    /// Returns the message catalog key. The catalog entries take the arguments `min`, `max`
    /// and `found` of the variant.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::TooShort { .. } => "password-too-short",
            Self::TooLong { .. } => "password-too-long",
            Self::TooFewClasses { .. } => "password-too-few-classes",
            Self::ContainsUsername => "password-contains-username",
        }
    }
}

impl PasswordPolicy {
    /// Checks `password`, chosen by or for the account `username`, against the policy and
    /// returns the first rule it breaks.
    pub fn check(&self, password: &str, username: &str) -> Result<(), PolicyError> {
        let length = password.chars().count();
        if length > self.max_length {
            return Err(PolicyError::TooLong {
                max: self.max_length,
            });
        }
        if length < self.min_length {
            return Err(PolicyError::TooShort {
                min: self.min_length,
            });
        }

        let found = count_classes(password);
        if found < self.min_classes {
            return Err(PolicyError::TooFewClasses {
                min: self.min_classes,
                found,
            });
        }

        if contains_username(password, username) {
            return Err(PolicyError::ContainsUsername);
        }
        Ok(())
    }

    /// Validates the policy itself, as read from configuration, naming the key and value that
    /// are out of range.
    pub fn validate(&self) -> Result<(), String> {
        if self.min_length < LOWEST_MIN_LENGTH {
            return Err(format!(
                "min_length = {} is below {LOWEST_MIN_LENGTH}; set min_length to \
                 {LOWEST_MIN_LENGTH} or more",
                self.min_length
            ));
        }
        if !(1..=4).contains(&self.min_classes) {
            return Err(format!(
                "min_classes = {} is out of range; set min_classes between 1 and 4",
                self.min_classes
            ));
        }
        if self.max_length < self.min_length {
            return Err(format!(
                "max_length = {} is below min_length = {}; set max_length to at least min_length",
                self.max_length, self.min_length
            ));
        }
        if self.max_length > HIGHEST_MAX_LENGTH {
            return Err(format!(
                "max_length = {} is above {HIGHEST_MAX_LENGTH}; set max_length to \
                 {HIGHEST_MAX_LENGTH} or less",
                self.max_length
            ));
        }
        Ok(())
    }
}

fn count_classes(password: &str) -> u8 {
    let mut classes = [false; 4];
    for ch in password.chars() {
        let class = if ch.is_ascii_lowercase() {
            0
        } else if ch.is_ascii_uppercase() {
            1
        } else if ch.is_ascii_digit() {
            2
        } else {
            3
        };
        classes[class] = true;
    }

    let mut found = 0;
    for present in classes {
        found += u8::from(present);
    }
    found
}

fn contains_username(password: &str, username: &str) -> bool {
    let username = username.trim().to_lowercase();
    if username.chars().count() < MIN_USERNAME_CHARS {
        return false;
    }
    password.to_lowercase().contains(&username)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_accepts_strong_password() {
        let policy = PasswordPolicy::default();

        assert_eq!(policy.validate(), Ok(()));
        assert_eq!(policy.check("Tr0ub4dor&3", "zhangsan"), Ok(()));
        assert_eq!(policy.check("abcDEF12", "zhangsan"), Ok(()));
    }

    #[test]
    fn length_counts_characters() {
        let policy = PasswordPolicy {
            min_length: 8,
            min_classes: 1,
            max_length: 10,
        };

        // Seven CJK characters are 21 bytes but only 7 characters.
        assert_eq!(
            policy.check("政务网站密码库", "user"),
            Err(PolicyError::TooShort { min: 8 })
        );
        assert_eq!(policy.check("政务网站密码库甲", "user"), Ok(()));
        assert_eq!(
            policy.check("政务网站密码库甲乙丙丁", "user"),
            Err(PolicyError::TooLong { max: 10 })
        );
    }

    #[test]
    fn classes_are_counted() {
        let policy = PasswordPolicy::default();

        assert_eq!(
            policy.check("abcdefgh", "user"),
            Err(PolicyError::TooFewClasses { min: 3, found: 1 })
        );
        assert_eq!(
            policy.check("abcdEFGH", "user"),
            Err(PolicyError::TooFewClasses { min: 3, found: 2 })
        );
        assert_eq!(policy.check("abcdEF1!", "user"), Ok(()));
        assert_eq!(
            policy.check("abcd密码12", "user"),
            Ok(()),
            "non-ASCII counts as a symbol"
        );
        assert_eq!(count_classes("aA1!"), 4);
        assert_eq!(count_classes(""), 0);
    }

    #[test]
    fn username_is_rejected_case_insensitively() {
        let policy = PasswordPolicy::default();

        assert_eq!(
            policy.check("xZhangSan1!", "zhangsan"),
            Err(PolicyError::ContainsUsername)
        );
        assert_eq!(
            policy.check("xZhangSan1!", " ZHANGSAN "),
            Err(PolicyError::ContainsUsername)
        );
        assert_eq!(
            policy.check("Ab1!xyz9", "ab"),
            Ok(()),
            "short usernames are exempt"
        );
        assert_eq!(
            policy.check("Abc1!xyz9", "abc"),
            Err(PolicyError::ContainsUsername)
        );
    }

    #[test]
    fn message_ids_match_catalog() {
        assert_eq!(
            PolicyError::TooShort { min: 8 }.message_id(),
            "password-too-short"
        );
        assert_eq!(
            PolicyError::TooLong { max: 8 }.message_id(),
            "password-too-long"
        );
        assert_eq!(
            PolicyError::TooFewClasses { min: 3, found: 1 }.message_id(),
            "password-too-few-classes"
        );
        assert_eq!(
            PolicyError::ContainsUsername.message_id(),
            "password-contains-username"
        );
        assert!(PolicyError::TooShort { min: 12 }.to_string().contains("12"));
    }

    #[test]
    fn validate_rejects_bad_policies() {
        let bad = [
            (
                PasswordPolicy {
                    min_length: 6,
                    ..Default::default()
                },
                "min_length = 6",
            ),
            (
                PasswordPolicy {
                    min_classes: 0,
                    ..Default::default()
                },
                "min_classes = 0",
            ),
            (
                PasswordPolicy {
                    min_classes: 5,
                    ..Default::default()
                },
                "min_classes = 5",
            ),
            (
                PasswordPolicy {
                    min_length: 20,
                    max_length: 16,
                    ..Default::default()
                },
                "max_length = 16",
            ),
            (
                PasswordPolicy {
                    max_length: 2000,
                    ..Default::default()
                },
                "max_length = 2000",
            ),
        ];
        for (policy, expected) in bad {
            let message = policy.validate().unwrap_err();
            assert!(message.contains(expected), "{message}");
        }
    }

    #[test]
    fn policy_reads_partial_config() {
        let policy: PasswordPolicy = serde_json::from_str(r#"{"min_length": 12}"#).unwrap();

        assert_eq!(
            policy,
            PasswordPolicy {
                min_length: 12,
                ..Default::default()
            }
        );
    }

    #[test]
    fn policy_rejects_unknown_keys() {
        let result = serde_json::from_str::<PasswordPolicy>(r#"{"min_lenght": 12}"#);

        assert!(result.is_err());
    }
}
