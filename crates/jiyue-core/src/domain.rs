//! Domain names of sites: normalized to lowercase ASCII, with Chinese labels such as `.政务`
//! converted by IDNA.

use serde::{Deserialize, Serialize};

/// A normalized host name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Domain(String);
