//! The stored rows of the audit log that both writing and verifying read.

use jiyue_auth::chain::{seal_mac, AuditFields, ChainMac};

use crate::error::Result;
use crate::sql::Row;

/// A row of `audit_segments`.
pub(super) struct SegmentRow {
    pub segment: String,
    pub first_seq: i64,
    pub last_seq: i64,
    pub entries: i64,
    pub last_mac: String,
    pub seal_mac: Option<String>,
    pub pruned_at: Option<i64>,
}

/// The columns that `SegmentRow::read` reads, for a SELECT list.
pub(super) const SEGMENT_COLUMNS: &str =
    "segment, first_seq, last_seq, entries, last_mac, seal_mac, pruned_at";

impl SegmentRow {
    pub(super) fn read(row: &Row) -> Result<SegmentRow> {
        Ok(SegmentRow {
            segment: row.text("segment")?,
            first_seq: row.int("first_seq")?,
            last_seq: row.int("last_seq")?,
            entries: row.int("entries")?,
            last_mac: row.text("last_mac")?,
            seal_mac: row.opt_text("seal_mac")?,
            pruned_at: row.opt_int("pruned_at")?,
        })
    }

    /// Computes the seal MAC this row should carry.
    pub(super) fn expected_seal(&self, mac: &dyn ChainMac) -> String {
        seal_mac(
            mac,
            &self.segment,
            self.first_seq,
            self.last_seq,
            self.entries,
            &self.last_mac,
        )
    }
}

/// An entry as read, with the MAC stored beside it.
pub(super) struct EntryRow {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub actor_id: Option<i64>,
    pub address: String,
    pub action: String,
    pub target: String,
    pub result: String,
    pub detail: String,
    pub segment: String,
    pub mac: String,
}

impl EntryRow {
    pub(super) fn read(row: &Row) -> Result<EntryRow> {
        Ok(EntryRow {
            seq: row.int("seq")?,
            at: row.int("at")?,
            actor: row.text("actor")?,
            actor_id: row.opt_int("actor_id")?,
            address: row.text("address")?,
            action: row.text("action")?,
            target: row.text("target")?,
            result: row.text("result")?,
            detail: row.text("detail")?,
            segment: row.text("segment")?,
            mac: row.text("mac")?,
        })
    }

    pub(super) fn fields(&self) -> AuditFields<'_> {
        AuditFields {
            seq: self.seq,
            at_micros: self.at,
            actor: &self.actor,
            actor_id: self.actor_id,
            address: &self.address,
            action: &self.action,
            target: &self.target,
            result: &self.result,
            detail: &self.detail,
            segment: &self.segment,
        }
    }
}
