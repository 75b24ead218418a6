-- Analytics without trackers: daily counters of page views and searches per site, counted by
-- the server. No row holds a client address, a cookie, a user agent, a session or a citizen.
-- day is the China-time date (YYYY-MM-DD). column_id and item_id are 0 when a view has no
-- column or item (a home page), because a unique key treats NULLs as distinct and the upsert
-- needs one row per key; they carry no foreign key, so deleting a column keeps its history.
CREATE TABLE analytics_page_views (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    day TEXT NOT NULL,
    path_kind TEXT NOT NULL CHECK (path_kind IN ('home', 'column', 'item', 'other')),
    column_id BIGINT NOT NULL,
    item_id BIGINT NOT NULL,
    views BIGINT NOT NULL CHECK (views >= 0)
);
CREATE UNIQUE INDEX analytics_page_views_key
    ON analytics_page_views (site_id, day, path_kind, column_id, item_id);
CREATE INDEX analytics_page_views_day ON analytics_page_views (day);

-- Searches per normalized query: how often it was asked and how often it found nothing.
CREATE TABLE analytics_search_queries (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    day TEXT NOT NULL,
    query TEXT NOT NULL,
    searches BIGINT NOT NULL CHECK (searches >= 0),
    zero_results BIGINT NOT NULL CHECK (zero_results >= 0)
);
CREATE UNIQUE INDEX analytics_search_queries_key
    ON analytics_search_queries (site_id, day, query);
CREATE INDEX analytics_search_queries_day ON analytics_search_queries (day);

-- Searches whose query looked like personal data (an identity number, a phone number, an
-- e-mail address): only their number is kept, never the text.
CREATE TABLE analytics_search_withheld (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    day TEXT NOT NULL,
    searches BIGINT NOT NULL CHECK (searches >= 0)
);
CREATE UNIQUE INDEX analytics_search_withheld_key ON analytics_search_withheld (site_id, day);
