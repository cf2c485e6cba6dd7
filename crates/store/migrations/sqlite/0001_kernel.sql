-- Kernel schema (SQLite). Kept column-for-column equal to migrations/postgres/0001_kernel.sql:
-- the repository code is shared. Conventions: ids BIGINT, timestamps `*_at` BIGINT unix
-- milliseconds UTC, calendar dates TEXT 'YYYY-MM-DD', money BIGINT cents, flags BIGINT 0/1.

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE regions (
    id TEXT PRIMARY KEY,
    name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL
);
CREATE TABLE provinces (
    id TEXT PRIMARY KEY,
    region_id TEXT NOT NULL REFERENCES regions(id),
    name_nl TEXT NOT NULL, name_fr TEXT NOT NULL
);
CREATE TABLE platforms (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('flemish', 'regional')),
    province_id TEXT REFERENCES provinces(id),
    name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL
);
CREATE TABLE municipalities (
    refnis TEXT PRIMARY KEY,
    name_nl TEXT NOT NULL, name_fr TEXT NOT NULL,
    province_id TEXT NOT NULL REFERENCES provinces(id),
    region_id TEXT NOT NULL REFERENCES regions(id),
    platform_id BIGINT NOT NULL REFERENCES platforms(id)
);
CREATE INDEX municipalities_platform ON municipalities(platform_id);
CREATE TABLE postal_codes (
    postcode TEXT NOT NULL,
    refnis TEXT NOT NULL REFERENCES municipalities(refnis),
    PRIMARY KEY (postcode, refnis)
);
CREATE TABLE krachtlijnen (
    code TEXT PRIMARY KEY, position BIGINT NOT NULL,
    name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL
);
CREATE TABLE themes (
    code TEXT PRIMARY KEY, section TEXT NOT NULL UNIQUE, position BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('challenge', 'further')),
    title_nl TEXT NOT NULL, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL
);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kbo TEXT UNIQUE,
    kind TEXT NOT NULL,
    refnis TEXT NOT NULL REFERENCES municipalities(refnis),
    created_at BIGINT NOT NULL
);
CREATE INDEX organisations_refnis ON organisations(refnis);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    org_id BIGINT REFERENCES organisations(id),
    platform_id BIGINT REFERENCES platforms(id),
    password_hash TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'nl',
    active BIGINT NOT NULL DEFAULT 1,
    must_change_password BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX accounts_org ON accounts(org_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_account ON api_tokens(account_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL,
    success BIGINT NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts(email, at);
CREATE INDEX login_attempts_address ON login_attempts(address, at);

CREATE TABLE clients (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    birth TEXT,
    refnis TEXT REFERENCES municipalities(refnis),
    languages TEXT NOT NULL DEFAULT '',
    channels TEXT NOT NULL DEFAULT '',
    phone TEXT,
    email TEXT,
    address TEXT,
    adults BIGINT NOT NULL DEFAULT 1,
    children BIGINT NOT NULL DEFAULT 0,
    lives_alone BIGINT NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    erased_at BIGINT
);
CREATE INDEX clients_org_name ON clients(org_id, name);

CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    purpose TEXT NOT NULL,
    recipient_org_id BIGINT REFERENCES organisations(id),
    method TEXT NOT NULL,
    given_on TEXT NOT NULL,
    expires_on TEXT,
    withdrawn_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT NOT NULL REFERENCES accounts(id),
    recorded_at BIGINT NOT NULL,
    withdrawn_by BIGINT REFERENCES accounts(id),
    withdrawn_at BIGINT
);
CREATE INDEX consents_client ON consents(client_id);

-- Append-only: the application never updates or deletes audit rows; triggers refuse it.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    account_id BIGINT,
    org_id BIGINT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_org ON audit_log(org_id, id);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id),
    from_org_id BIGINT NOT NULL REFERENCES organisations(id),
    to_org_id BIGINT NOT NULL REFERENCES organisations(id),
    client_name TEXT NOT NULL,
    phone TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    erased_at BIGINT
);
CREATE INDEX referrals_to ON referrals(to_org_id, id);
CREATE INDEX referrals_client ON referrals(client_id);
