-- Initial schema for SQLite. Keep it in step with migrations/postgres/0001_initial.sql: the
-- schema comparison test fails when tables, columns, nullability or indexes differ.
-- Instants are integer microseconds since the Unix epoch (UTC); JSON is stored as text.

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    parent_id BIGINT REFERENCES organizations (id),
    path TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    division_code TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX organizations_credit_code ON organizations (credit_code);
CREATE INDEX organizations_path ON organizations (path);
CREATE INDEX organizations_parent ON organizations (parent_id);

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    lang TEXT NOT NULL,
    description TEXT,
    keywords TEXT,
    theme TEXT NOT NULL,
    settings TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sites_code ON sites (code);
CREATE INDEX sites_org ON sites (org_id);

CREATE TABLE site_language_versions (
    site_id BIGINT NOT NULL REFERENCES sites (id),
    other_site_id BIGINT NOT NULL REFERENCES sites (id),
    PRIMARY KEY (site_id, other_site_id)
);

CREATE TABLE domains (
    host TEXT NOT NULL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    is_primary BOOLEAN NOT NULL
);
CREATE INDEX domains_site ON domains (site_id);

CREATE TABLE columns (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    parent_id BIGINT REFERENCES columns (id),
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    column_type TEXT NOT NULL,
    description TEXT,
    keywords TEXT,
    position BIGINT NOT NULL,
    review_levels BIGINT NOT NULL CHECK (review_levels BETWEEN 0 AND 3),
    accepts_shared BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX columns_site_path ON columns (site_id, path);
CREATE INDEX columns_parent ON columns (parent_id);

CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations (id),
    item_no BIGINT NOT NULL,
    external_id TEXT,
    lang TEXT NOT NULL,
    live_revision_id BIGINT REFERENCES revisions (id),
    index_number TEXT,
    first_published_at BIGINT,
    published_at BIGINT,
    sample BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX items_item_no ON items (item_no);
CREATE UNIQUE INDEX items_external_id ON items (external_id);
CREATE INDEX items_org ON items (org_id);
CREATE INDEX items_published_at ON items (published_at, id);

CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES items (id),
    org_id BIGINT NOT NULL REFERENCES organizations (id),
    number BIGINT NOT NULL,
    meta TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX revisions_item_number ON revisions (item_id, number);

CREATE TABLE placements (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES items (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    column_id BIGINT NOT NULL REFERENCES columns (id),
    is_home BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'pending')),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX placements_item_column ON placements (item_id, column_id);
CREATE INDEX placements_column_status ON placements (column_id, status);
CREATE INDEX placements_site_status ON placements (site_id, status);

CREATE TABLE translations (
    original_id BIGINT NOT NULL REFERENCES items (id),
    translation_id BIGINT NOT NULL REFERENCES items (id),
    PRIMARY KEY (original_id, translation_id)
);
CREATE INDEX translations_translation ON translations (translation_id);

CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    refcount BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX files_digest ON files (digest);

CREATE TABLE item_files (
    item_id BIGINT NOT NULL REFERENCES items (id),
    file_id BIGINT NOT NULL REFERENCES files (id),
    name TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (item_id, file_id)
);
CREATE INDEX item_files_file ON item_files (file_id);

CREATE TABLE routes (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    path TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('item', 'column', 'file', 'redirect', 'gone')),
    item_id BIGINT REFERENCES items (id),
    column_id BIGINT REFERENCES columns (id),
    page BIGINT,
    file_id BIGINT REFERENCES files (id),
    location TEXT,
    notice TEXT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX routes_site_path ON routes (site_id, path);
CREATE INDEX routes_item ON routes (item_id, site_id);
CREATE INDEX routes_column ON routes (column_id);

CREATE TABLE index_serials (
    org_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    last_serial BIGINT NOT NULL,
    PRIMARY KEY (org_code, year)
);

CREATE TABLE outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    tags TEXT NOT NULL,
    item_id BIGINT,
    site_id BIGINT
);

CREATE TABLE consumer_positions (
    consumer TEXT NOT NULL PRIMARY KEY,
    position BIGINT NOT NULL
);
