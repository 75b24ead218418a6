-- Citizen accounts (公众账号), one for every site of the platform, and the OpenID Connect
-- provider that signs them in on each site. Personal data is stored sealed (SM4-GCM, key
-- outside the database); the *_index columns hold HMAC-SM3 lookup digests, never the value.

-- AUTOINCREMENT: a deleted account's id is never given to a new one.
CREATE TABLE citizens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'business')),
    display_name TEXT NOT NULL,
    mobile_sealed TEXT,
    mobile_index TEXT,
    email_sealed TEXT,
    email_index TEXT,
    email_verified BOOLEAN NOT NULL,
    real_name_sealed TEXT,
    id_number_sealed TEXT,
    id_number_index TEXT,
    address_sealed TEXT,
    business_name TEXT,
    credit_code TEXT,
    password_hash TEXT,
    assurance TEXT NOT NULL CHECK (assurance IN ('unverified', 'verified')),
    assurance_source TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_sign_in_at BIGINT
);
CREATE UNIQUE INDEX citizens_mobile ON citizens (mobile_index);
CREATE UNIQUE INDEX citizens_email ON citizens (email_index);

-- Accounts at an upstream identity provider linked to a citizen (federation).
CREATE TABLE citizen_links (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    citizen_id BIGINT NOT NULL REFERENCES citizens (id),
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX citizen_links_citizen ON citizen_links (citizen_id);

-- One-time codes and verification links. Only the SHA-256 digest of a code is kept; target
-- is the lookup digest of the number or address it was sent to.
CREATE TABLE citizen_codes (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL,
    target TEXT NOT NULL,
    code_digest TEXT NOT NULL,
    payload TEXT,
    attempts BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX citizen_codes_target ON citizen_codes (purpose, target);

-- Sign-in sessions on the identity host. sid names the session in ID tokens, so signing out
-- ends it and everything issued under it on every site.
CREATE TABLE id_sessions (
    token_digest TEXT NOT NULL PRIMARY KEY,
    sid TEXT NOT NULL,
    citizen_id BIGINT NOT NULL REFERENCES citizens (id),
    csrf_token TEXT NOT NULL,
    methods TEXT NOT NULL,
    auth_time BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX id_sessions_sid ON id_sessions (sid);
CREATE INDEX id_sessions_citizen ON id_sessions (citizen_id);

-- Sessions of the platform's own sites, each a relying party of the provider.
CREATE TABLE site_sessions (
    token_digest TEXT NOT NULL PRIMARY KEY,
    host TEXT NOT NULL,
    sid TEXT NOT NULL,
    citizen_id BIGINT NOT NULL REFERENCES citizens (id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX site_sessions_sid ON site_sessions (sid);

-- Sign-ins in progress at a relying party: the state, nonce and PKCE verifier of one
-- authorization request, kept until the provider redirects back.
CREATE TABLE sign_in_requests (
    state_digest TEXT NOT NULL PRIMARY KEY,
    host TEXT NOT NULL,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    return_to TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Relying parties that operators register. Hosted sites are relying parties too, known from
-- the sites table without a row here. A client without a secret is public and must use PKCE.
CREATE TABLE oidc_clients (
    client_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT,
    redirect_uris TEXT NOT NULL,
    post_logout_uris TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    disabled_at BIGINT
);

-- Authorization codes, access tokens and refresh tokens, by the digest of their value.
CREATE TABLE oidc_grants (
    token_digest TEXT NOT NULL PRIMARY KEY,
    token_kind TEXT NOT NULL CHECK (token_kind IN ('code', 'access', 'refresh')),
    client_id TEXT NOT NULL,
    citizen_id BIGINT NOT NULL REFERENCES citizens (id),
    sid TEXT NOT NULL,
    scope TEXT NOT NULL,
    redirect_uri TEXT,
    nonce TEXT,
    code_challenge TEXT,
    auth_time BIGINT NOT NULL,
    family TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX oidc_grants_sid ON oidc_grants (sid);
CREATE INDEX oidc_grants_family ON oidc_grants (family);
CREATE INDEX oidc_grants_citizen ON oidc_grants (citizen_id);

-- ID-token signing keys, sealed with the personal-data key. The newest unretired key signs;
-- retired keys stay in the key set until tokens they signed have expired.
CREATE TABLE oidc_keys (
    kid TEXT NOT NULL PRIMARY KEY,
    sealed_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);

-- Fixed-window counters for rate limits on citizen actions, by account or address network.
CREATE TABLE rate_counters (
    counter TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (counter, window_start)
);
