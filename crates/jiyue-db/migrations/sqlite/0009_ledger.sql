-- The tampering ledger: the SM3 digest of every version of every public page and file a site
-- rendered, so a check can tell served or exported bytes that the platform never produced.

-- One row per distinct body of a path. first_seen_at is when the platform first rendered these
-- bytes and last_seen_at when it last did (UTC microseconds). seen_order counts per path: a
-- render whose digest differs from the current version's gets the next number, so the current
-- version is the row with the highest seen_order, whatever the clock says. digest is the
-- lowercase hex SM3 digest of the body as sent without content encoding; length is its size
-- in bytes.
CREATE TABLE page_ledger (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    path TEXT NOT NULL,
    digest TEXT NOT NULL,
    length BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    seen_order BIGINT NOT NULL
);
CREATE UNIQUE INDEX page_ledger_version ON page_ledger (site_id, path, digest);
CREATE INDEX page_ledger_latest ON page_ledger (site_id, path, seen_order);
