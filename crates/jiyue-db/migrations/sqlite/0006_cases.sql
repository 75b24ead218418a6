-- Cases that a government body must answer within a deadline counted in working days:
-- messages (互动交流), error reports (我为政府网站找错) and applications for government
-- information (依申请公开); their history, the reply deadlines per site, the sensitive-word
-- list, and consultations (征集调查) with their opinions.
--
-- citizen_id columns name a citizen account without a foreign key, because accounts live in
-- their own tables and a deleted account leaves its cases behind with citizen_id set to NULL.

-- One row per case. The contact_* columns contain personal data sealed with SM4-GCM by the
-- caller, never plain text. clock is the JSON of the case clock, set on acceptance. The
-- reply_* columns describe the newest reply; version increases with every change, so a
-- transition that read an older version changes nothing.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('message', 'error_report', 'disclosure')),
    category TEXT CHECK (category IN ('consultation', 'suggestion', 'complaint')),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    org_id BIGINT NOT NULL REFERENCES organizations (id),
    citizen_id BIGINT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    page_url TEXT,
    contact_name TEXT,
    contact_mobile TEXT,
    contact_email TEXT,
    contact_address TEXT,
    contact_id_number TEXT,
    public_requested BOOLEAN NOT NULL,
    consent_to_publish BOOLEAN NOT NULL,
    consent_at BIGINT,
    held_for TEXT,
    state TEXT NOT NULL CHECK (state IN ('held', 'received', 'accepted', 'paused',
        'reply_pending', 'answered', 'rejected')),
    received_at BIGINT NOT NULL,
    received_on TEXT NOT NULL,
    clock TEXT,
    reply_body TEXT,
    reply_org_id BIGINT REFERENCES organizations (id),
    reply_staff_id BIGINT REFERENCES staff (id),
    reply_submitted_at BIGINT,
    reply_reviewed_by BIGINT REFERENCES staff (id),
    reply_review_note TEXT,
    answered_at BIGINT,
    answered_on TEXT,
    answered_on_time BOOLEAN,
    working_days_used BIGINT,
    published BOOLEAN NOT NULL,
    reminded_on TEXT,
    overdue_alerted_on TEXT,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_org_state ON cases (org_id, state);
CREATE INDEX cases_citizen ON cases (citizen_id);
CREATE INDEX cases_site_published ON cases (site_id, published, answered_at);
CREATE INDEX cases_received_on ON cases (received_on);
CREATE INDEX cases_answered_on ON cases (answered_on);

-- Files a citizen attached to a case, in the order given. blob_sha is the SM3 digest of the
-- bytes in the blob store.
CREATE TABLE case_attachments (
    case_id BIGINT NOT NULL REFERENCES cases (id),
    position BIGINT NOT NULL,
    blob_sha TEXT NOT NULL,
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    mime TEXT NOT NULL,
    PRIMARY KEY (case_id, position)
);

-- The history of a case: one row per change, with the staff member or citizen who made it
-- (neither for an anonymous submission).
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    at BIGINT NOT NULL,
    staff_id BIGINT REFERENCES staff (id),
    citizen_id BIGINT,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    from_org BIGINT REFERENCES organizations (id),
    to_org BIGINT REFERENCES organizations (id),
    reason TEXT
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- Reply deadlines in working days per site and kind; category is '' for the whole kind.
CREATE TABLE case_deadlines (
    site_id BIGINT NOT NULL REFERENCES sites (id),
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    days BIGINT NOT NULL CHECK (days > 0),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (site_id, kind, category)
);

-- The platform-wide list of words that hold a submission for review before it is received.
CREATE TABLE sensitive_words (
    word TEXT NOT NULL PRIMARY KEY,
    added_by BIGINT REFERENCES staff (id),
    added_at BIGINT NOT NULL
);

-- Consultations (征集调查) an organization opens from starts_on to ends_on, both included.
CREATE TABLE consultations (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    org_id BIGINT NOT NULL REFERENCES organizations (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    result TEXT,
    response TEXT,
    result_published_at BIGINT,
    result_published_by BIGINT REFERENCES staff (id),
    created_by BIGINT REFERENCES staff (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX consultations_site ON consultations (site_id, starts_on);

CREATE TABLE consultation_opinions (
    id INTEGER PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    citizen_id BIGINT,
    body TEXT NOT NULL,
    held_for TEXT,
    submitted_at BIGINT NOT NULL,
    submitted_on TEXT NOT NULL
);
CREATE INDEX consultation_opinions_consultation ON consultation_opinions (consultation_id, id);
