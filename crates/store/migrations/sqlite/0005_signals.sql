-- Signals module (issue 5): signals without personal data, dossiers (signaaldossiers) with
-- their append-only history, co-signers, comments, policy responses and the counts behind the
-- figures. Kept column-for-column equal to migrations/postgres/0005_signals.sql.

CREATE TABLE signal_dossiers (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('gemeld', 'verzameld', 'gebundeld', 'geanalyseerd', 'gerapporteerd', 'beslist', 'actie', 'teruggekoppeld', 'afgewezen')),
    rejection_reason TEXT,
    platform_id BIGINT NOT NULL REFERENCES platforms(id),
    trekker_account_id BIGINT NOT NULL REFERENCES accounts(id),
    trekker_org_id BIGINT REFERENCES organisations(id),
    parent_id BIGINT REFERENCES signal_dossiers(id),
    forwarded_at BIGINT,
    analysis TEXT NOT NULL DEFAULT '',
    proposals TEXT NOT NULL DEFAULT '',
    criteria_clear BIGINT NOT NULL DEFAULT 0,
    criteria_neutral BIGINT NOT NULL DEFAULT 0,
    criteria_recognised BIGINT NOT NULL DEFAULT 0,
    criteria_shared BIGINT NOT NULL DEFAULT 0,
    reviewed_by BIGINT REFERENCES accounts(id),
    reviewed_at BIGINT,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX signal_dossiers_platform ON signal_dossiers(platform_id, status);
CREATE INDEX signal_dossiers_parent ON signal_dossiers(parent_id);

CREATE TABLE signals (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    what TEXT NOT NULL,
    terms TEXT NOT NULL DEFAULT '',
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('right', 'life')),
    subject TEXT NOT NULL,
    challenge TEXT NOT NULL REFERENCES themes(code),
    target_groups TEXT NOT NULL DEFAULT '',
    refnis TEXT NOT NULL REFERENCES municipalities(refnis),
    platform_id BIGINT NOT NULL REFERENCES platforms(id),
    people BIGINT NOT NULL,
    since TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    testimony TEXT,
    source TEXT NOT NULL DEFAULT 'form',
    source_id BIGINT,
    dossier_id BIGINT REFERENCES signal_dossiers(id),
    month TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX signals_org ON signals(org_id, id);
CREATE INDEX signals_dossier ON signals(dossier_id);
CREATE INDEX signals_open_challenge ON signals(challenge, id);
CREATE INDEX signals_open_subject ON signals(subject, id);
CREATE INDEX signals_open_platform ON signals(platform_id, id);

-- Counts behind the figures, kept in the transaction that registers a signal, so a figures
-- page never scans the signals: one row per dimension, code, month and region.
CREATE TABLE signal_counts (
    dimension TEXT NOT NULL,
    code TEXT NOT NULL,
    month TEXT NOT NULL,
    platform_id BIGINT NOT NULL REFERENCES platforms(id),
    n BIGINT NOT NULL,
    PRIMARY KEY (dimension, code, month, platform_id)
);

-- Append-only history of every change of a dossier.
CREATE TABLE signal_dossier_events (
    id INTEGER PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES signal_dossiers(id),
    at BIGINT NOT NULL,
    account_id BIGINT REFERENCES accounts(id),
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX signal_dossier_events_dossier ON signal_dossier_events(dossier_id, id);
CREATE TRIGGER signal_dossier_events_no_update BEFORE UPDATE ON signal_dossier_events
BEGIN SELECT RAISE(ABORT, 'signal_dossier_events is append-only'); END;
CREATE TRIGGER signal_dossier_events_no_delete BEFORE DELETE ON signal_dossier_events
BEGIN SELECT RAISE(ABORT, 'signal_dossier_events is append-only'); END;

CREATE TABLE signal_cosigners (
    dossier_id BIGINT NOT NULL REFERENCES signal_dossiers(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    at BIGINT NOT NULL,
    PRIMARY KEY (dossier_id, org_id)
);

-- Comments, and validations by associations where people in poverty speak.
CREATE TABLE signal_comments (
    id INTEGER PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES signal_dossiers(id),
    org_id BIGINT REFERENCES organisations(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL CHECK (kind IN ('comment', 'validation')),
    body TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX signal_comments_dossier ON signal_comments(dossier_id, id);

CREATE TABLE signal_responses (
    id INTEGER PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES signal_dossiers(id),
    responder TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    decision TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES accounts(id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX signal_responses_dossier ON signal_responses(dossier_id, id);
