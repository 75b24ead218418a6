//! Unified social credit codes (统一社会信用代码, GB 32100-2015).

use serde::{Deserialize, Serialize};

/// An 18-character unified social credit code whose check character is correct.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);
