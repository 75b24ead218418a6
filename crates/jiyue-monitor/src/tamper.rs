//! The tampering check's verdict on one page. Bytes found in the static export or fetched
//! through the public address are compared with the page ledger (every version the platform
//! rendered). Bytes the ledger lacks are compared with a fresh render.
//!
//! This module only judges. The web crate reads the files, fetches the pages, renders,
//! restores and drops cached pages, because those need the running application.

use jiyue_db::LedgerVersion;

use crate::fault::{Check, Fault, Severity};

/// Message key: an exported file differs from every version the platform rendered.
pub const EXPORT_ALTERED: &str = "export-tamper-file-altered";
/// Message key: a file listed in the export's manifest is missing from disk.
pub const EXPORT_MISSING: &str = "export-tamper-file-missing";
/// Message key: the export folder contains a file its manifest does not list.
pub const EXPORT_UNEXPECTED: &str = "export-tamper-file-unexpected";
/// Message key: a page fetched through the public address differs from every rendered version.
pub const SERVED_ALTERED: &str = "export-tamper-served-altered";

/// The place the bytes were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A file of the static export.
    Export,
    /// A response fetched through the public address.
    Served,
}

/// The page being judged.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub site_id: i64,
    pub site_code: &'a str,
    /// The request path, such as `/index.html`.
    pub path: &'a str,
    pub place: Place,
    /// The file path or URL, shown as evidence.
    pub location: &'a str,
}

/// The finding at the subject's location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen<'a> {
    /// Bytes with this lowercase hex SM3 digest.
    Digest(&'a str),
    /// Nothing, where the manifest lists a file.
    Missing,
    /// A file the manifest does not list, with its digest.
    Unexpected(&'a str),
}

/// The verdict on one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The bytes are the current version.
    Current,
    /// The bytes are an earlier version the platform rendered, or a render the ledger has not
    /// stored yet: not tampering, but the copy should be refreshed.
    Stale,
    /// The bytes were never produced by the platform, or are missing or unexpected; the copy
    /// must be restored (or removed) and the fault raised.
    Tampered(Box<Fault>),
}

/// Judges what was seen against the path's ledger versions (current first, as
/// `Db::ledger_history` returns them) and the digest of a fresh render, when the caller made
/// one. A digest the ledger does not know is tampering unless the fresh render produced the
/// same bytes, which happens when the ledger's background writer has not stored them yet.
pub fn judge(
    subject: &Subject<'_>,
    seen: Seen<'_>,
    versions: &[LedgerVersion],
    fresh: Option<&str>,
) -> Verdict {
    let current = versions.first().map(|version| version.digest.as_str());
    let digest = match seen {
        Seen::Digest(digest) => digest,
        Seen::Missing => {
            return Verdict::Tampered(Box::new(fault(subject, EXPORT_MISSING, "missing", current)))
        }
        Seen::Unexpected(digest) => {
            let fault = fault(subject, EXPORT_UNEXPECTED, "unexpected", None)
                .arg("digest", digest)
                .with_evidence_line(&format!("found sm3={digest}"));
            return Verdict::Tampered(Box::new(fault));
        }
    };
    if current == Some(digest) {
        return Verdict::Current;
    }
    let known = versions.iter().any(|version| version.digest == digest);
    if known || fresh == Some(digest) {
        return Verdict::Stale;
    }
    let message = match subject.place {
        Place::Export => EXPORT_ALTERED,
        Place::Served => SERVED_ALTERED,
    };
    let mut fault = fault(subject, message, "altered", current.or(fresh))
        .with_evidence_line(&format!("found sm3={digest}"));
    if let Some(fresh) = fresh {
        fault = fault.with_evidence_line(&format!("fresh render sm3={fresh}"));
    }
    Verdict::Tampered(Box::new(fault.arg("digest", digest)))
}

fn fault(subject: &Subject<'_>, message: &str, change: &str, expected: Option<&str>) -> Fault {
    let place = match subject.place {
        Place::Export => "export",
        Place::Served => "served",
    };
    // The key names the page and the kind of change, not the digest found, so a page altered
    // again while its alert is open does not raise a second alert.
    let key = format!(
        "tampering:{place}:{change}:{}:{}",
        subject.site_code, subject.path
    );
    let mut evidence = format!("{place} {}", subject.location);
    if let Some(expected) = expected {
        evidence.push_str(&format!("\nledger sm3={expected}"));
    }
    Fault::new(
        Check::Tampering,
        Some(subject.site_id),
        key,
        Severity::Critical,
        message,
        evidence,
    )
    .arg("site", subject.site_code)
    .arg("path", subject.path)
    .arg("location", subject.location)
}

trait EvidenceLine {
    fn with_evidence_line(self, line: &str) -> Self;
}

impl EvidenceLine for Fault {
    fn with_evidence_line(mut self, line: &str) -> Self {
        self.evidence.push('\n');
        self.evidence.push_str(line);
        self
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn version(digest: &str, order: i64) -> LedgerVersion {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap();
        LedgerVersion {
            id: order,
            site_id: 7,
            path: "/index.html".into(),
            digest: digest.into(),
            length: 10,
            content_type: "text/html; charset=utf-8".into(),
            first_seen_at: at,
            last_seen_at: at,
            seen_order: order,
        }
    }

    fn subject(place: Place) -> Subject<'static> {
        Subject {
            site_id: 7,
            site_code: "2200000001",
            path: "/index.html",
            place,
            location: "export/index.html",
        }
    }

    fn fault_of(verdict: Verdict) -> Fault {
        match verdict {
            Verdict::Tampered(fault) => *fault,
            other => panic!("expected a fault, got {other:?}"),
        }
    }

    #[test]
    fn current_and_earlier_versions_pass() {
        let versions = [version("bb", 2), version("aa", 1)];
        let export = subject(Place::Export);
        assert_eq!(
            judge(&export, Seen::Digest("bb"), &versions, None),
            Verdict::Current
        );
        assert_eq!(
            judge(&export, Seen::Digest("aa"), &versions, None),
            Verdict::Stale
        );
        assert_eq!(
            judge(&export, Seen::Digest("cc"), &versions, Some("cc")),
            Verdict::Stale,
            "bytes the ledger has not stored yet but a fresh render produces"
        );
    }

    #[test]
    fn unknown_digest_is_critical_fault() {
        let versions = [version("bb", 2), version("aa", 1)];
        let fault = fault_of(judge(
            &subject(Place::Export),
            Seen::Digest("ee"),
            &versions,
            Some("bb"),
        ));
        assert_eq!(fault.check, Check::Tampering);
        assert_eq!(fault.severity, Severity::Critical);
        assert_eq!(fault.message, EXPORT_ALTERED);
        assert_eq!(fault.key, "tampering:export:altered:2200000001:/index.html");
        assert!(
            fault.evidence.contains("found sm3=ee"),
            "{}",
            fault.evidence
        );
        assert!(
            fault.evidence.contains("ledger sm3=bb"),
            "{}",
            fault.evidence
        );
        assert_eq!(fault.args["path"], "/index.html");

        let served = fault_of(judge(
            &subject(Place::Served),
            Seen::Digest("ff"),
            &versions,
            None,
        ));
        assert_eq!(served.message, SERVED_ALTERED);
        assert_eq!(
            served.key,
            "tampering:served:altered:2200000001:/index.html"
        );
        let again = fault_of(judge(
            &subject(Place::Served),
            Seen::Digest("0f"),
            &versions,
            None,
        ));
        assert_eq!(again.key, served.key, "the key ignores the digest found");
    }

    #[test]
    fn missing_and_unexpected_files_are_faults() {
        let versions = [version("bb", 1)];
        let missing = fault_of(judge(
            &subject(Place::Export),
            Seen::Missing,
            &versions,
            None,
        ));
        assert_eq!(missing.message, EXPORT_MISSING);
        assert!(missing.key.contains(":missing:"));
        let unexpected = fault_of(judge(
            &subject(Place::Export),
            Seen::Unexpected("dd"),
            &[],
            None,
        ));
        assert_eq!(unexpected.message, EXPORT_UNEXPECTED);
        assert!(unexpected.evidence.contains("found sm3=dd"));
    }

    #[test]
    fn page_without_versions_needs_fresh_render() {
        let fault = fault_of(judge(
            &subject(Place::Served),
            Seen::Digest("aa"),
            &[],
            None,
        ));
        assert_eq!(fault.message, SERVED_ALTERED);
        assert_eq!(
            judge(&subject(Place::Served), Seen::Digest("aa"), &[], Some("aa")),
            Verdict::Stale
        );
    }
}
