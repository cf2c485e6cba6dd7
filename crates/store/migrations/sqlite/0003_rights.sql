-- Rights module (issue 4): rights checks of clients, follow-up of each right, and signal
-- candidates. Kept column-for-column equal to migrations/postgres/0003_rights.sql.

CREATE TABLE rights_checks (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    reference_date TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    answers TEXT NOT NULL,
    result TEXT NOT NULL,
    finished BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX rights_checks_client ON rights_checks(client_id, id);
CREATE INDEX rights_checks_org ON rights_checks(org_id, created_at);

CREATE TABLE right_followups (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    check_id BIGINT REFERENCES rights_checks(id),
    right_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('todo', 'applied', 'granted', 'refused', 'withdrawn')),
    applied_on TEXT,
    applied_where TEXT,
    decided_on TEXT,
    amount_cents BIGINT,
    refusal_reason TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX right_followups_client ON right_followups(client_id);
CREATE INDEX right_followups_org_status ON right_followups(org_id, status, updated_at);

-- Append-only history of every follow-up change.
CREATE TABLE right_followup_events (
    id INTEGER PRIMARY KEY,
    followup_id BIGINT NOT NULL REFERENCES right_followups(id),
    at BIGINT NOT NULL,
    account_id BIGINT REFERENCES accounts(id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX right_followup_events_followup ON right_followup_events(followup_id, id);

-- A de-identified candidate for a policy signal (the signals module takes it from there).
-- It names the right, the barrier and the municipality, never the person.
CREATE TABLE signal_candidates (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    source TEXT NOT NULL,
    right_id TEXT,
    barrier TEXT NOT NULL,
    refnis TEXT REFERENCES municipalities(refnis),
    status TEXT NOT NULL DEFAULT 'candidate',
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX signal_candidates_org ON signal_candidates(org_id, id);
