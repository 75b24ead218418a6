//! HMAC chaining of the audit log: each entry's MAC covers the previous entry's MAC and the
//! entry's fields, so removing, reordering or editing an entry breaks the chain. The MAC sits
//! behind [`ChainMac`] so that a certified hardware cryptographic module can replace the
//! software HMAC-SM3 key.

mod software;

pub use software::SoftwareSm3Mac;

/// Domain-separation prefix of entry MACs.
const ENTRY_PREFIX: &[u8] = b"jiyue-audit-v1\0";

/// Domain-separation prefix of segment seal MACs.
const SEAL_PREFIX: &[u8] = b"jiyue-audit-seal-v1\0";

/// Domain-separation prefix of chain head MACs.
const HEAD_PREFIX: &[u8] = b"jiyue-audit-head-v1\0";

/// A keyed 32-byte MAC over audit data.
pub trait ChainMac: Send + Sync {
    /// Computes the MAC of `data`.
    fn mac(&self, data: &[u8]) -> [u8; 32];
}

/// The fields of one audit entry that its MAC covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditFields<'a> {
    /// Sequence number of the entry.
    pub seq: i64,
    /// Time of the entry in microseconds since the Unix epoch.
    pub at_micros: i64,
    /// Name of the acting account, or a fixed name for the system.
    pub actor: &'a str,
    /// Id of the acting account, when it has one.
    pub actor_id: Option<i64>,
    /// Client address of the request.
    pub address: &'a str,
    /// Name of the audited action.
    pub action: &'a str,
    /// Object the action was performed on.
    pub target: &'a str,
    /// Outcome of the action.
    pub result: &'a str,
    /// Free-form detail.
    pub detail: &'a str,
    /// Log segment the entry belongs to.
    pub segment: &'a str,
}

/// Unambiguous byte encoding: a raw prefix, then fields each preceded by their length as a
/// big-endian u32. Integers are written as decimal text.
struct Encoder {
    bytes: Vec<u8>,
}

impl Encoder {
    fn new(prefix: &[u8]) -> Self {
        Self {
            bytes: prefix.to_vec(),
        }
    }

    fn field(&mut self, value: &[u8]) -> &mut Self {
        // Audit fields are far below 4 GiB, so saturating never merges two encodings in practice.
        let length = u32::try_from(value.len()).unwrap_or(u32::MAX);
        self.bytes.extend_from_slice(&length.to_be_bytes());
        self.bytes.extend_from_slice(value);
        self
    }

    fn text(&mut self, value: &str) -> &mut Self {
        self.field(value.as_bytes())
    }

    fn int(&mut self, value: i64) -> &mut Self {
        self.field(value.to_string().as_bytes())
    }

    /// Writes marker byte 0 and an empty field for `None`, or marker byte 1 and the integer for
    /// `Some`, so that `None` and `Some(0)` differ.
    fn optional_int(&mut self, value: Option<i64>) -> &mut Self {
        match value {
            None => {
                self.bytes.push(0);
                self.field(b"")
            }
            Some(value) => {
                self.bytes.push(1);
                self.int(value)
            }
        }
    }

    fn finish_mac(&self, mac: &dyn ChainMac) -> String {
        hex::encode(mac.mac(&self.bytes))
    }
}

/// Computes the lower-case hex MAC of an audit entry, chained to the MAC of the entry before it.
pub fn entry_mac(mac: &dyn ChainMac, previous_mac_hex: &str, fields: &AuditFields<'_>) -> String {
    Encoder::new(ENTRY_PREFIX)
        .text(previous_mac_hex)
        .int(fields.seq)
        .int(fields.at_micros)
        .text(fields.actor)
        .optional_int(fields.actor_id)
        .text(fields.address)
        .text(fields.action)
        .text(fields.target)
        .text(fields.result)
        .text(fields.detail)
        .text(fields.segment)
        .finish_mac(mac)
}

/// Computes the lower-case hex MAC that seals a finished log segment: its name, first and last
/// sequence numbers, entry count and last entry MAC.
pub fn seal_mac(
    mac: &dyn ChainMac,
    segment: &str,
    first_seq: i64,
    last_seq: i64,
    entries: i64,
    last_mac_hex: &str,
) -> String {
    Encoder::new(SEAL_PREFIX)
        .text(segment)
        .int(first_seq)
        .int(last_seq)
        .int(entries)
        .text(last_mac_hex)
        .finish_mac(mac)
}

/// Computes the lower-case hex MAC of the chain head: the latest sequence number and its MAC,
/// so that truncating the newest entries is detected.
pub fn head_mac(mac: &dyn ChainMac, seq: i64, last_mac_hex: &str) -> String {
    Encoder::new(HEAD_PREFIX)
        .int(seq)
        .text(last_mac_hex)
        .finish_mac(mac)
}

#[cfg(test)]
mod tests;
