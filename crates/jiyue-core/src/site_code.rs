//! Site codes (网站标识码): a 6-digit division code plus 4 digits, or `bm` plus 8 digits.

use serde::{Deserialize, Serialize};

/// A 10-character site code whose division exists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SiteCode(String);
