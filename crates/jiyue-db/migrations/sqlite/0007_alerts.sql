-- The alert desk of the oversight checks: alerts raised from the faults the checks find, the
-- deliveries of each alert (dashboard, e-mail, webhook), and the staff e-mail addresses the
-- mail goes to.

-- A staff member's e-mail address, for alert mail. Staff accounts are not personal accounts of
-- citizens; the address is a work address and stored as it is.
ALTER TABLE staff ADD COLUMN email TEXT;

-- One row per alert. fault_key names the fault (the same broken link on the same page has the
-- same key on every run), so while an alert with a key is open or acknowledged no second one
-- is raised. args is the JSON object of the summary message's arguments. level counts the
-- escalations so far. Instants are UTC microseconds; due_on is a China-time date.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    check_name TEXT NOT NULL,
    site_id BIGINT REFERENCES sites (id),
    owner_org_id BIGINT REFERENCES organizations (id),
    fault_key TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('notice', 'warning', 'critical')),
    message TEXT NOT NULL,
    args TEXT NOT NULL,
    evidence TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
    raised_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    seen_count BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    level BIGINT NOT NULL,
    escalated_at BIGINT,
    acknowledged_at BIGINT,
    acknowledged_by BIGINT REFERENCES staff (id),
    resolved_at BIGINT,
    resolved_by BIGINT REFERENCES staff (id),
    resolution TEXT
);
CREATE UNIQUE INDEX alerts_live_key ON alerts (fault_key) WHERE status <> 'resolved';
CREATE INDEX alerts_status ON alerts (status, severity);
CREATE INDEX alerts_site ON alerts (site_id, status);

-- One row per message an alert sends: the event (raised, escalated to a level, resolved), the
-- channel and the target (a mail address or a webhook URL). The unique key makes every
-- delivery happen once: a repeated or concurrent run finds the row and sends nothing again.
CREATE TABLE alert_deliveries (
    id INTEGER PRIMARY KEY,
    alert_id BIGINT NOT NULL REFERENCES alerts (id),
    event TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('mail', 'webhook')),
    target TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE UNIQUE INDEX alert_deliveries_once ON alert_deliveries (alert_id, event, channel, target);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);

-- The jobs table of the oversight checks: one row per scheduled job (a check, the desk's
-- cycle, a monthly scorecard). A node runs a job only after taking its lease in one
-- conditional update, so on many nodes each run happens once; a node that dies mid-run loses
-- the lease when it lapses and another node runs the job.
CREATE TABLE monitor_jobs (
    name TEXT NOT NULL PRIMARY KEY,
    next_run_at BIGINT NOT NULL,
    lease_until BIGINT,
    lease_owner TEXT,
    last_started_at BIGINT,
    last_finished_at BIGINT,
    last_outcome TEXT
);
