-- Solidarity (issue 6): help requests, volunteers, matches, supporters, the solidarity fund.
-- Kept column-for-column equal to migrations/postgres/0006_solidarity.sql.
-- Lists of codes (languages, skills, screenings, municipalities) are comma-separated TEXT;
-- the availability grid is a BIGINT bit mask (bit = day * 3 + part, Monday morning = 0).

CREATE TABLE help_requests (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    kind TEXT NOT NULL,
    frequency TEXT NOT NULL,
    refnis TEXT NOT NULL REFERENCES municipalities(refnis),
    postcode TEXT NOT NULL,
    languages TEXT NOT NULL DEFAULT '',
    availability BIGINT NOT NULL DEFAULT 0,
    urgency TEXT NOT NULL DEFAULT 'normal',
    needs TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'worker',
    candidate_id BIGINT REFERENCES help_request_candidates(id),
    status TEXT NOT NULL DEFAULT 'open',
    created_by BIGINT REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX help_requests_org_status ON help_requests(org_id, status, id);
CREATE INDEX help_requests_client ON help_requests(client_id);

CREATE TABLE volunteers (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    account_id BIGINT REFERENCES accounts(id),
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    refnis TEXT NOT NULL REFERENCES municipalities(refnis),
    postcode TEXT NOT NULL,
    municipalities TEXT NOT NULL DEFAULT '',
    radius_km BIGINT,
    languages TEXT NOT NULL DEFAULT '',
    skills TEXT NOT NULL DEFAULT '',
    screening TEXT NOT NULL DEFAULT '',
    availability BIGINT NOT NULL DEFAULT 0,
    capacity BIGINT NOT NULL DEFAULT 1,
    insurance_noted BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active',
    source TEXT NOT NULL DEFAULT 'worker',
    created_at BIGINT NOT NULL,
    left_at BIGINT
);
CREATE INDEX volunteers_org_status ON volunteers(org_id, status);

CREATE TABLE matches (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    request_id BIGINT NOT NULL REFERENCES help_requests(id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    status TEXT NOT NULL DEFAULT 'proposed',
    score BIGINT NOT NULL DEFAULT 0,
    reasons TEXT NOT NULL DEFAULT '',
    stop_reason TEXT,
    feedback_client TEXT NOT NULL DEFAULT '',
    feedback_volunteer TEXT NOT NULL DEFAULT '',
    token TEXT NOT NULL,
    created_by BIGINT REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX matches_request ON matches(request_id);
-- The volunteer answers through a link with this random token (no account needed).
CREATE UNIQUE INDEX matches_token ON matches(token);
CREATE INDEX matches_volunteer ON matches(volunteer_id, status);
CREATE INDEX matches_org_status ON matches(org_id, status);

-- Pairs (person, volunteer) that must never be proposed again.
CREATE TABLE match_blocks (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    created_by BIGINT REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    UNIQUE (client_id, volunteer_id)
);

-- Informal supporters of a client (family, neighbours, friends).
CREATE TABLE supporters (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    relation TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    active BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES accounts(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX supporters_client ON supporters(client_id, active);

-- The solidarity fund: gifts received (positive) and material aid handed out (negative).
CREATE TABLE fund_entries (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    kind TEXT NOT NULL CHECK (kind IN ('gift', 'aid')),
    amount_cents BIGINT NOT NULL,
    donor TEXT,
    aid_kind TEXT,
    request_id BIGINT REFERENCES help_requests(id),
    on_date TEXT NOT NULL,
    created_by BIGINT REFERENCES accounts(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX fund_entries_org_date ON fund_entries(org_id, on_date);

-- A help request from the public form (no account): kept apart until a worker takes it on
-- (makes a client record and a help request). Only submitted forms are stored.
CREATE TABLE public_help_requests (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    kind TEXT NOT NULL,
    refnis TEXT NOT NULL REFERENCES municipalities(refnis),
    postcode TEXT NOT NULL,
    languages TEXT NOT NULL DEFAULT '',
    availability BIGINT NOT NULL DEFAULT 0,
    needs TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    client_id BIGINT REFERENCES clients(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX public_help_requests_org ON public_help_requests(org_id, status);
