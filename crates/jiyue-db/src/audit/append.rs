//! Writing the audit log: appending entries, sealing finished months and pruning whole sealed
//! segments. Every write takes the audit lock first, so entries get gapless sequence numbers
//! and each one chains to the true previous entry, even with many server nodes.

use jiyue_auth::chain::{entry_mac, head_mac, AuditFields, ChainMac};

use super::rows::{SegmentRow, SEGMENT_COLUMNS};
use super::{
    retention_passed, segment_of, truncate_chars, AuditEntry, AUDIT_LOCK_KEY, GENESIS_MAC,
    MAX_DETAIL_CHARS, MIN_AUDIT_RETAIN_MONTHS,
};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::sql::{args, micros, Conn};

/// Takes the write lock before the transaction reads anything. On PostgreSQL this is an
/// advisory lock held until commit. On SQLite a write statement that changes no row takes the
/// database write lock at once, waiting up to the busy timeout. A transaction that read first
/// would fail instead of waiting if another process, such as `jiyue audit seal`, wrote in
/// between.
async fn lock(conn: &mut Conn<'_>) -> Result<()> {
    if conn.is_pg() {
        conn.execute("SELECT pg_advisory_xact_lock($1)", args![AUDIT_LOCK_KEY])
            .await?;
    } else {
        conn.execute("UPDATE audit_head SET seq = seq WHERE id = 0", args![])
            .await?;
    }
    Ok(())
}

/// Seals every unsealed segment whose name sorts before `current` and returns their names.
async fn seal_before(
    conn: &mut Conn<'_>,
    mac: &dyn ChainMac,
    current: &str,
    at: i64,
) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT {SEGMENT_COLUMNS} FROM audit_segments \
         WHERE seal_mac IS NULL AND segment < $1 ORDER BY segment"
    );
    let rows = conn.fetch_all(&sql, args![current]).await?;
    let mut sealed = Vec::with_capacity(rows.len());
    for row in &rows {
        let segment = SegmentRow::read(row)?;
        conn.execute(
            "UPDATE audit_segments SET seal_mac = $1, sealed_at = $2 WHERE segment = $3",
            args![segment.expected_seal(mac), at, &segment.segment],
        )
        .await?;
        tracing::info!(segment = %segment.segment, entries = segment.entries, "audit segment sealed");
        sealed.push(segment.segment);
    }
    Ok(sealed)
}

/// Returns the sequence number and MAC of the newest entry, or 0 and the genesis MAC.
async fn read_head(conn: &mut Conn<'_>) -> Result<(i64, String)> {
    let row = conn
        .fetch_optional("SELECT seq, last_mac FROM audit_head WHERE id = 1", args![])
        .await?;
    match row {
        Some(row) => Ok((row.int("seq")?, row.text("last_mac")?)),
        None => Ok((0, GENESIS_MAC.to_string())),
    }
}

/// Chooses the segment of a new entry: the month of `now`, or the newest segment when the
/// clock reads an earlier month than it. Entries then stay in sequence order across segments
/// even after the clock was set back. Fails when that segment is already sealed.
async fn choose_segment(conn: &mut Conn<'_>, month: String) -> Result<String> {
    let newest = conn
        .fetch_optional(
            "SELECT segment, seal_mac FROM audit_segments ORDER BY segment DESC LIMIT 1",
            args![],
        )
        .await?;
    let Some(newest) = newest else {
        return Ok(month);
    };
    let newest_name = newest.text("segment")?;
    if newest_name < month {
        return Ok(month);
    }
    if newest.opt_text("seal_mac")?.is_some() {
        return Err(DbError::Conflict(format!(
            "cannot append to audit segment {newest_name}: it is sealed and the clock reads \
             {month}; set the system clock to the correct time"
        )));
    }
    Ok(newest_name)
}

impl Db {
    /// Appends an entry to the audit log and returns its sequence number. Seals the previous
    /// month's segment first when this is the first entry of a new month.
    pub async fn audit_append(&self, mac: &dyn ChainMac, entry: &AuditEntry) -> Result<i64> {
        let now = self.now();
        let at = micros(now);
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        lock(&mut conn).await?;

        let (previous_seq, previous_mac) = read_head(&mut conn).await?;
        let seq = previous_seq + 1;
        let segment = choose_segment(&mut conn, segment_of(now)).await?;
        seal_before(&mut conn, mac, &segment, at).await?;

        let fields = AuditFields {
            seq,
            at_micros: at,
            actor: &entry.actor,
            actor_id: entry.actor_id,
            address: &entry.address,
            action: &entry.action,
            target: &entry.target,
            result: entry.result.as_str(),
            detail: truncate_chars(&entry.detail, MAX_DETAIL_CHARS),
            segment: &segment,
        };
        let entry_mac = entry_mac(mac, &previous_mac, &fields);
        insert_entry(&mut conn, &fields, &entry_mac).await?;
        record_in_segment(&mut conn, &segment, seq, &entry_mac).await?;
        write_head(&mut conn, mac, seq, &entry_mac).await?;

        tx.commit().await?;
        Ok(seq)
    }

    /// Seals every segment of a month before the current one that is still open, and returns
    /// their names. Appends seal the previous month too; this catches months with no entry
    /// after them.
    pub async fn audit_seal_due(&self, mac: &dyn ChainMac) -> Result<Vec<String>> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        lock(&mut conn).await?;
        let sealed = seal_before(&mut conn, mac, &segment_of(now), micros(now)).await?;
        tx.commit().await?;
        Ok(sealed)
    }

    /// Deletes the entries of every sealed segment whose month ended more than `retain_months`
    /// months ago, oldest first, and returns the segment names. The segment rows stay, marked
    /// pruned, so that verification can start from the last pruned segment. Fails when
    /// `retain_months` is below 12 or when a segment to prune has an invalid seal.
    pub async fn audit_prune(&self, mac: &dyn ChainMac, retain_months: u32) -> Result<Vec<String>> {
        if retain_months < MIN_AUDIT_RETAIN_MONTHS {
            return Err(DbError::Invalid(format!(
                "audit log retention of {retain_months} months is below the minimum of \
                 {MIN_AUDIT_RETAIN_MONTHS} months; retain the log for at least \
                 {MIN_AUDIT_RETAIN_MONTHS} months"
            )));
        }
        let now = self.now();
        let at = micros(now);
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        lock(&mut conn).await?;
        seal_before(&mut conn, mac, &segment_of(now), at).await?;

        let sql = format!(
            "SELECT {SEGMENT_COLUMNS} FROM audit_segments \
             WHERE pruned_at IS NULL AND seal_mac IS NOT NULL ORDER BY first_seq"
        );
        let rows = conn.fetch_all(&sql, args![]).await?;
        let mut pruned = Vec::new();
        for row in &rows {
            let segment = SegmentRow::read(row)?;
            // Segments are ordered oldest first, so stopping at the first one still within
            // retention keeps the pruned segments a prefix of the log.
            if !retention_passed(&segment.segment, now, retain_months) {
                break;
            }
            prune_segment(&mut conn, mac, &segment, at).await?;
            pruned.push(segment.segment);
        }

        tx.commit().await?;
        Ok(pruned)
    }
}

async fn insert_entry(conn: &mut Conn<'_>, fields: &AuditFields<'_>, mac: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log \
         (seq, at, actor, actor_id, address, action, target, result, detail, segment, mac) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        args![
            fields.seq,
            fields.at_micros,
            fields.actor,
            fields.actor_id,
            fields.address,
            fields.action,
            fields.target,
            fields.result,
            fields.detail,
            fields.segment,
            mac,
        ],
    )
    .await?;
    Ok(())
}

async fn write_head(conn: &mut Conn<'_>, mac: &dyn ChainMac, seq: i64, last: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_head (id, seq, last_mac, head_mac) VALUES (1, $1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, last_mac = excluded.last_mac, \
         head_mac = excluded.head_mac",
        args![seq, last, head_mac(mac, seq, last)],
    )
    .await?;
    Ok(())
}

async fn record_in_segment(conn: &mut Conn<'_>, segment: &str, seq: i64, mac: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_segments (segment, first_seq, last_seq, entries, last_mac) \
         VALUES ($1, $2, $2, 1, $3) \
         ON CONFLICT (segment) DO UPDATE SET last_seq = excluded.last_seq, \
         entries = audit_segments.entries + 1, last_mac = excluded.last_mac",
        args![segment, seq, mac],
    )
    .await?;
    Ok(())
}

/// Marks one sealed segment pruned and deletes its entries, which the delete trigger then
/// allows. Fails when the seal does not verify, so a tampered segment is kept as evidence.
async fn prune_segment(
    conn: &mut Conn<'_>,
    mac: &dyn ChainMac,
    segment: &SegmentRow,
    at: i64,
) -> Result<()> {
    if segment.seal_mac.as_deref() != Some(segment.expected_seal(mac).as_str()) {
        return Err(DbError::Invalid(format!(
            "audit segment {} has an invalid seal, so it was not pruned; run `jiyue audit \
             verify` and check that the audit key is the one that wrote the log",
            segment.segment
        )));
    }
    conn.execute(
        "UPDATE audit_segments SET pruned_at = $1 WHERE segment = $2",
        args![at, &segment.segment],
    )
    .await?;
    let deleted = conn
        .execute(
            "DELETE FROM audit_log WHERE segment = $1",
            args![&segment.segment],
        )
        .await?;
    tracing::info!(segment = %segment.segment, deleted, "audit segment pruned");
    Ok(())
}
