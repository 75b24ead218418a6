-- Staff accounts, sessions, the review workflow, scheduling, previews, the audit log and the
-- access log, for SQLite. Keep it in step with migrations/postgres/0002_editorial.sql.

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    org_id BIGINT REFERENCES organizations (id),
    password_hash TEXT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    factor_kind TEXT,
    factor_secret TEXT,
    factor_last_used BIGINT,
    disabled BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX staff_username ON staff (username);

-- scope_kind names what scope_id points at: 0 for the platform, an organization, a site or a
-- column. The pair is part of the unique key, so the same grant cannot be stored twice.
CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    role TEXT NOT NULL,
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('platform', 'org', 'site', 'column')),
    scope_id BIGINT NOT NULL,
    granted_by BIGINT REFERENCES staff (id),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX grants_unique ON grants (staff_id, role, scope_kind, scope_id);

-- Sessions hold the SHA-256 of the session token, never the token. A session is at stage
-- 'password' between the password and the second factor, and 'complete' after both.
CREATE TABLE sessions (
    token_digest TEXT NOT NULL PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    csrf_token TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('password', 'complete')),
    address TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_staff ON sessions (staff_id);

-- Failed sign-ins counted per account and per address (IPv6 per /64).
CREATE TABLE login_failures (
    subject TEXT NOT NULL PRIMARY KEY,
    failures BIGINT NOT NULL,
    locked_until BIGINT,
    updated_at BIGINT NOT NULL
);

-- Workflow state of each revision, and what it asks for when published.
ALTER TABLE revisions ADD COLUMN state TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE revisions ADD COLUMN author_id BIGINT REFERENCES staff (id);
ALTER TABLE revisions ADD COLUMN base_revision_id BIGINT REFERENCES revisions (id);
ALTER TABLE revisions ADD COLUMN required_levels BIGINT NOT NULL DEFAULT 0;
ALTER TABLE revisions ADD COLUMN approvals TEXT NOT NULL DEFAULT '[]';
ALTER TABLE revisions ADD COLUMN placements TEXT;
ALTER TABLE revisions ADD COLUMN publish_at BIGINT;
ALTER TABLE revisions ADD COLUMN reject_reason TEXT;
ALTER TABLE revisions ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX revisions_state_publish_at ON revisions (state, publish_at);
CREATE INDEX revisions_author ON revisions (author_id, state);
UPDATE revisions SET state = 'published', updated_at = created_at
    WHERE id IN (SELECT live_revision_id FROM items WHERE live_revision_id IS NOT NULL);

ALTER TABLE items ADD COLUMN withdraw_at BIGINT;
ALTER TABLE items ADD COLUMN withdraw_notice TEXT;
ALTER TABLE items ADD COLUMN withdraw_location TEXT;
ALTER TABLE items ADD COLUMN withdrawn_at BIGINT;
CREATE INDEX items_withdraw_at ON items (withdraw_at);

-- Every workflow step of every revision: who did what, when, with what note.
CREATE TABLE review_steps (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES items (id),
    revision_id BIGINT REFERENCES revisions (id),
    actor_id BIGINT REFERENCES staff (id),
    step TEXT NOT NULL,
    level BIGINT,
    note TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX review_steps_item ON review_steps (item_id, id);

CREATE TABLE preview_tokens (
    token_digest TEXT NOT NULL PRIMARY KEY,
    revision_id BIGINT NOT NULL REFERENCES revisions (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    created_by BIGINT REFERENCES staff (id),
    expires_at BIGINT NOT NULL
);

-- Reports of scheduled actions that ran late because the platform was down at their time.
CREATE TABLE schedule_reports (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES items (id),
    revision_id BIGINT REFERENCES revisions (id),
    action TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    ran_at BIGINT NOT NULL
);
CREATE INDEX schedule_reports_ran ON schedule_reports (ran_at);

-- The audit log. seq counts from 1 with no gaps; mac chains each entry to the one before it
-- (HMAC-SM3, key outside the database). Entries are never updated, and deleted only as whole
-- sealed segments (triggers below).
CREATE TABLE audit_log (
    seq BIGINT NOT NULL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    actor_id BIGINT,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    result TEXT NOT NULL,
    detail TEXT NOT NULL,
    segment TEXT NOT NULL,
    mac TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_segment ON audit_log (segment, seq);

-- One row per month (China Standard Time). A sealed segment records its range and last mac
-- under a seal mac; pruning marks it pruned, and its entries may then be deleted.
CREATE TABLE audit_segments (
    segment TEXT NOT NULL PRIMARY KEY,
    first_seq BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    entries BIGINT NOT NULL,
    last_mac TEXT NOT NULL,
    seal_mac TEXT,
    sealed_at BIGINT,
    pruned_at BIGINT
);

-- The newest entry and a mac over it, so deleting entries from the end shows up too.
CREATE TABLE audit_head (
    id BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    last_mac TEXT NOT NULL,
    head_mac TEXT NOT NULL
);

-- Requests to the public listener, kept for the audit administrator.
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    host TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    address TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    referer TEXT NOT NULL,
    duration_us BIGINT NOT NULL
);
CREATE INDEX access_log_at ON access_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log entries cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN NOT EXISTS (
    SELECT 1 FROM audit_segments s WHERE s.segment = OLD.segment AND s.pruned_at IS NOT NULL
)
BEGIN
    SELECT RAISE(ABORT, 'audit log entries are deleted only as whole pruned segments');
END;
