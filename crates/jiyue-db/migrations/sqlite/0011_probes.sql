-- Visits of the availability probe: one row per fetch of a site's home page through its public
-- address. checked_at is the probe's time of the visit in UTC microseconds, and day is the same
-- instant's China-time date, the unit the national availability rule counts visits in. status
-- is NULL when no response arrived. The unique key makes replaying a probe's spool file after a
-- database outage store each visit once.
CREATE TABLE probe_results (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    checked_at BIGINT NOT NULL,
    day TEXT NOT NULL,
    url TEXT NOT NULL,
    status BIGINT,
    elapsed_ms BIGINT NOT NULL,
    ok BOOLEAN NOT NULL,
    reason TEXT
);
CREATE UNIQUE INDEX probe_results_visit ON probe_results (site_id, checked_at);
CREATE INDEX probe_results_day ON probe_results (day, site_id);
