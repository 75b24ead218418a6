//! Verifying the audit log: the chain of entry MACs, the seals and layout of the segments, and
//! the head, read in one consistent snapshot.
//!
//! The walk reads entries in sequence order, a page at a time. It keeps the MACs the next entry
//! may chain to, normally just the stored MAC of the entry before. After an entry fails, the next
//! one may chain to the failed entry's stored MAC, which is right when a field was changed, or to
//! the MAC recomputed from its fields, which is right when the MAC was changed. One changed entry
//! is therefore reported once, and its neighbors verify.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use jiyue_auth::chain::{entry_mac, head_mac, ChainMac};

use super::rows::{EntryRow, SegmentRow, SEGMENT_COLUMNS};
use super::{retention_passed, AuditProblem, AuditReport, GENESIS_MAC, MIN_AUDIT_RETAIN_MONTHS};
use crate::db::{Db, Pool};
use crate::error::Result;
use crate::sql::{args, Conn, Row, Tx};

/// Entries read per query.
const PAGE_SIZE: i64 = 5_000;

/// The maximum number of MACs the next entry may chain to. More than one arise only after a
/// failed entry.
const MAX_CANDIDATES: usize = 3;

/// The head row as read, and whether its MAC verifies.
struct Head {
    seq: i64,
    last_mac: String,
    valid: bool,
}

/// The state of one verification run.
struct Checker<'a> {
    mac: &'a dyn ChainMac,
    /// Segment rows ordered by first sequence number.
    segments: Vec<SegmentRow>,
    by_name: HashMap<String, usize>,
    by_last_seq: HashMap<i64, usize>,
    /// The sequence number of a verified head: entries above it were inserted.
    head_limit: Option<i64>,
    next_seq: i64,
    /// The MACs the entry `next_seq` may chain to.
    candidates: Vec<String>,
    /// Segments already reported, so that each is reported once.
    flagged: BTreeSet<String>,
    report: AuditReport,
}

impl<'a> Checker<'a> {
    fn new(
        mac: &'a dyn ChainMac,
        segments: Vec<SegmentRow>,
        head: Option<&Head>,
        now: DateTime<Utc>,
    ) -> Checker<'a> {
        let by_name = segments
            .iter()
            .enumerate()
            .map(|(index, segment)| (segment.segment.clone(), index))
            .collect();
        let by_last_seq = segments
            .iter()
            .enumerate()
            .map(|(index, segment)| (segment.last_seq, index))
            .collect();
        let mut checker = Checker {
            mac,
            segments,
            by_name,
            by_last_seq,
            head_limit: head.filter(|head| head.valid).map(|head| head.seq),
            next_seq: 1,
            candidates: vec![GENESIS_MAC.to_string()],
            flagged: BTreeSet::new(),
            report: AuditReport::default(),
        };
        checker.report.segments = checker
            .segments
            .iter()
            .filter(|segment| segment.pruned_at.is_none())
            .count() as i64;
        checker.check_head(head);
        checker.check_seals(now);
        checker.start_after_pruned();
        checker.check_layout();
        checker
    }

    fn problem(&mut self, problem: AuditProblem) {
        self.report.problems.push(problem);
    }

    /// Reports a segment that disagrees with the log, unless it was already reported.
    fn mismatch(&mut self, segment: &str) {
        if self.flagged.insert(segment.to_string()) {
            self.problem(AuditProblem::SegmentMismatch {
                segment: segment.to_string(),
            });
        }
    }

    fn check_head(&mut self, head: Option<&Head>) {
        let head_broken = match head {
            Some(head) => !head.valid,
            None => !self.segments.is_empty(),
        };
        if head_broken {
            self.problem(AuditProblem::HeadMismatch);
        }
    }

    /// Checks every seal, and that every segment but the newest is sealed. Reports pruned
    /// segments whose month is within the minimum retention.
    fn check_seals(&mut self, now: DateTime<Utc>) {
        let count = self.segments.len();
        let mut bad = Vec::new();
        let mut early = Vec::new();
        for (index, segment) in self.segments.iter().enumerate() {
            let must_be_sealed = segment.pruned_at.is_some() || index + 1 < count;
            let sealed_right = match &segment.seal_mac {
                Some(seal) => *seal == segment.expected_seal(self.mac),
                None => !must_be_sealed,
            };
            if !sealed_right {
                bad.push(segment.segment.clone());
            }
            let pruned = segment.pruned_at.is_some();
            if pruned && !retention_passed(&segment.segment, now, MIN_AUDIT_RETAIN_MONTHS) {
                early.push((segment.first_seq, segment.last_seq));
            }
        }
        for segment in bad {
            self.flagged.insert(segment.clone());
            self.problem(AuditProblem::BadSeal { segment });
        }
        for (from_seq, to_seq) in early {
            self.problem(AuditProblem::Missing { from_seq, to_seq });
        }
    }

    /// Starts the chain after the pruned segments at the start of the log, from the last MAC
    /// of the newest of them, instead of from the genesis MAC at entry 1.
    fn start_after_pruned(&mut self) {
        let pruned = self
            .segments
            .iter()
            .take_while(|segment| segment.pruned_at.is_some())
            .last();
        if let Some(segment) = pruned {
            self.next_seq = segment.last_seq + 1;
            self.candidates = vec![segment.last_mac.clone()];
        }
    }

    /// Checks that the segment rows count their own ranges, follow one another without overlap
    /// in name order, and end at the verified head. A gap between rows is reported here only
    /// when it lies before the chain start, because the walk reports later gaps.
    fn check_layout(&mut self) {
        let mut mismatched = Vec::new();
        let mut missing = Vec::new();
        let mut previous: Option<&SegmentRow> = None;
        for segment in &self.segments {
            let counted = segment.entries == segment.last_seq - segment.first_seq + 1;
            let previous_last = previous.map_or(0, |previous| previous.last_seq);
            let in_order = previous.is_none_or(|previous| previous.segment < segment.segment);
            if segment.first_seq > previous_last + 1 && segment.first_seq <= self.next_seq {
                missing.push((previous_last + 1, segment.first_seq - 1));
            }
            if !counted || !in_order || segment.first_seq <= previous_last {
                mismatched.push(segment.segment.clone());
            }
            previous = Some(segment);
        }
        if let (Some(last), Some(head_seq)) = (previous, self.head_limit) {
            if last.last_seq != head_seq {
                mismatched.push(last.segment.clone());
            }
        }
        for (from_seq, to_seq) in missing {
            self.problem(AuditProblem::Missing { from_seq, to_seq });
        }
        for segment in mismatched {
            self.mismatch(&segment);
        }
    }

    /// Checks one entry against the chain and the segments.
    fn visit(&mut self, entry: &EntryRow) {
        self.report.entries += 1;
        let beyond_head = self.head_limit.is_some_and(|head| entry.seq > head);
        if entry.seq < self.next_seq || beyond_head {
            self.problem(AuditProblem::Inserted { seq: entry.seq });
            return;
        }

        if entry.seq > self.next_seq {
            self.problem(AuditProblem::Missing {
                from_seq: self.next_seq,
                to_seq: entry.seq - 1,
            });
            // The entry before this one is gone, so its link cannot be checked: the chain goes
            // on from this entry's own MAC.
            self.advance(entry, vec![entry.mac.clone()]);
            self.check_label(entry);
            return;
        }

        let fields = entry.fields();
        let computed: Vec<String> = self
            .candidates
            .iter()
            .map(|previous| entry_mac(self.mac, previous, &fields))
            .collect();
        if computed.contains(&entry.mac) {
            self.advance(entry, vec![entry.mac.clone()]);
            self.check_label(entry);
            return;
        }

        self.problem(AuditProblem::Edited { seq: entry.seq });
        let mut next = vec![entry.mac.clone()];
        for candidate in computed {
            if next.len() < MAX_CANDIDATES && !next.contains(&candidate) {
                next.push(candidate);
            }
        }
        self.advance(entry, next);
    }

    /// Moves the chain past `entry`, and checks the last MAC of the segment ending there.
    fn advance(&mut self, entry: &EntryRow, candidates: Vec<String>) {
        self.next_seq = entry.seq + 1;
        self.candidates = candidates;
        let Some(&index) = self.by_last_seq.get(&entry.seq) else {
            return;
        };
        let segment = &self.segments[index];
        if segment.pruned_at.is_none() && !self.candidates.contains(&segment.last_mac) {
            let name = segment.segment.clone();
            self.mismatch(&name);
        }
    }

    /// Checks that the segment an entry names exists, is not pruned and covers its seq.
    fn check_label(&mut self, entry: &EntryRow) {
        let covered = self.by_name.get(&entry.segment).is_some_and(|&index| {
            let segment = &self.segments[index];
            segment.pruned_at.is_none()
                && (segment.first_seq..=segment.last_seq).contains(&entry.seq)
        });
        if !covered {
            self.mismatch(&entry.segment);
        }
    }

    /// Checks the end of the log against the head and returns the report.
    fn finish(mut self, head: Option<&Head>) -> AuditReport {
        match head {
            Some(head) if head.valid => {
                if self.next_seq <= head.seq {
                    self.problem(AuditProblem::Truncated {
                        head_seq: head.seq,
                        last_seq: self.next_seq - 1,
                    });
                } else if self.next_seq == head.seq + 1 && !self.candidates.contains(&head.last_mac)
                {
                    self.problem(AuditProblem::HeadMismatch);
                }
            }
            Some(_) => {}
            None if self.report.entries > 0 && self.segments.is_empty() => {
                self.problem(AuditProblem::HeadMismatch);
            }
            None => {}
        }
        self.report
    }
}

/// Opens a read-only transaction, so every page of the walk reads the same state of the log
/// even while other connections append.
async fn snapshot(db: &Db) -> Result<Tx> {
    match &db.pool {
        Pool::Sqlite { readers, .. } => Ok(Tx::Sqlite(readers.begin().await?)),
        Pool::Postgres(pool) => {
            let mut tx = Tx::Pg(pool.begin().await?);
            tx.conn()
                .execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                    args![],
                )
                .await?;
            Ok(tx)
        }
    }
}

impl Db {
    /// Verifies the whole audit log with `mac`, the key that wrote it, and reports every
    /// changed, missing or inserted entry, bad seal and mismatched segment or head. A key other
    /// than the writer's makes every MAC fail, so the report is never clean with it.
    pub async fn audit_verify(&self, mac: &dyn ChainMac) -> Result<AuditReport> {
        let now = self.now();
        let mut tx = snapshot(self).await?;
        let mut conn = tx.conn();

        let sql =
            format!("SELECT {SEGMENT_COLUMNS} FROM audit_segments ORDER BY first_seq, segment");
        let segments = conn
            .fetch_all(&sql, args![])
            .await?
            .iter()
            .map(SegmentRow::read)
            .collect::<Result<Vec<_>>>()?;
        let head = conn
            .fetch_optional(
                "SELECT seq, last_mac, head_mac FROM audit_head WHERE id = 1",
                args![],
            )
            .await?
            .map(|row| read_head(&row, mac))
            .transpose()?;
        let mut checker = Checker::new(mac, segments, head.as_ref(), now);
        walk_entries(&mut conn, &mut checker).await?;
        tx.commit().await?;

        let report = checker.finish(head.as_ref());
        tracing::info!(
            entries = report.entries,
            segments = report.segments,
            problems = report.problems.len(),
            "audit log verified"
        );
        Ok(report)
    }
}

/// Feeds every entry to `checker` in sequence order, one page at a time.
async fn walk_entries(conn: &mut Conn<'_>, checker: &mut Checker<'_>) -> Result<()> {
    let mut after = i64::MIN;
    loop {
        let rows = conn
            .fetch_all(
                "SELECT seq, at, actor, actor_id, address, action, target, result, detail, \
                 segment, mac FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                args![after, PAGE_SIZE],
            )
            .await?;
        for row in &rows {
            let entry = EntryRow::read(row)?;
            checker.visit(&entry);
            after = entry.seq;
        }
        if (rows.len() as i64) < PAGE_SIZE {
            return Ok(());
        }
    }
}

fn read_head(row: &Row, mac: &dyn ChainMac) -> Result<Head> {
    let seq = row.int("seq")?;
    let last_mac = row.text("last_mac")?;
    let valid = row.text("head_mac")? == head_mac(mac, seq, &last_mac);
    Ok(Head {
        seq,
        last_mac,
        valid,
    })
}
