-- Public service items (政务服务事项), their imported statistics, search synonyms and
-- unanswered queries, and the working-day calendar years an operator adds.

-- One row per service item: its code (unique across the platform) and where it comes from.
-- A synced service's fields listed in synced_fields are read-only in the admin interface.
-- missing lists the key elements the newest revision lacks, for the completeness lists.
CREATE TABLE service_records (
    item_id BIGINT NOT NULL PRIMARY KEY REFERENCES items (id),
    code TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('local', 'synced')),
    source TEXT,
    synced_at BIGINT,
    synced_fields TEXT NOT NULL,
    missing TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX service_records_code ON service_records (code);

-- Monthly statistics (办事统计) as the source of record reported them; never derived here.
CREATE TABLE service_stats (
    code TEXT NOT NULL,
    month TEXT NOT NULL,
    received BIGINT NOT NULL CHECK (received >= 0),
    completed BIGINT NOT NULL CHECK (completed >= 0),
    source TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    PRIMARY KEY (code, month)
);

-- Synonym groups that editors maintain; each group is a JSON array of equivalent terms.
CREATE TABLE search_synonyms (
    id INTEGER PRIMARY KEY,
    terms TEXT NOT NULL,
    updated_by BIGINT REFERENCES staff (id),
    updated_at BIGINT NOT NULL
);

-- Queries that found nothing, counted per site, for editors to act on.
CREATE TABLE search_misses (
    site_id BIGINT NOT NULL,
    query TEXT NOT NULL,
    count BIGINT NOT NULL,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    PRIMARY KEY (site_id, query)
);
CREATE INDEX search_misses_last ON search_misses (last_at);

-- Holidays and adjusted working days of years an operator loaded from the State Council's
-- announcement; they add to, or replace, the years shipped in the binary.
CREATE TABLE calendar_days (
    day TEXT NOT NULL PRIMARY KEY,
    year BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'adjusted_workday')),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days (year);

CREATE TABLE calendar_years (
    year BIGINT NOT NULL PRIMARY KEY,
    loaded_by TEXT NOT NULL,
    loaded_at BIGINT NOT NULL
);
