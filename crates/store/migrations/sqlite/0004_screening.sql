-- Proactive screening and call rounds (issue 4, points 4 and 5). Kept column-for-column
-- equal to migrations/postgres/0004_screening.sql.

-- A screening of a population (an uploaded file or the organisation's own clients), run as
-- a background job. The upload lives in the data folder under `upload_key` until the job is
-- deleted, so an interrupted job can be started again from it.
CREATE TABLE screening_jobs (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    source TEXT NOT NULL CHECK (source IN ('file', 'clients')),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    upload_key TEXT NOT NULL,
    households_format TEXT NOT NULL,
    has_persons BIGINT NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',
    reference_date TEXT NOT NULL,
    rules_version TEXT NOT NULL DEFAULT '',
    progress BIGINT NOT NULL DEFAULT 0,
    households_read BIGINT NOT NULL DEFAULT 0,
    households_screened BIGINT NOT NULL DEFAULT 0,
    persons_read BIGINT NOT NULL DEFAULT 0,
    error_count BIGINT NOT NULL DEFAULT 0,
    households_non_take_up BIGINT NOT NULL DEFAULT 0,
    missed_monthly_cents BIGINT NOT NULL DEFAULT 0,
    missed_yearly_cents BIGINT NOT NULL DEFAULT 0,
    failure TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    runner TEXT,
    heartbeat_at BIGINT,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX screening_jobs_org ON screening_jobs(org_id, id);
CREATE INDEX screening_jobs_status ON screening_jobs(status);

-- The first rows of a job that could not be read (file, line, field, message).
CREATE TABLE screening_errors (
    id INTEGER PRIMARY KEY,
    job_id BIGINT NOT NULL REFERENCES screening_jobs(id),
    file TEXT NOT NULL,
    line BIGINT NOT NULL,
    field TEXT,
    message TEXT NOT NULL
);
CREATE INDEX screening_errors_job ON screening_errors(job_id, id);

-- One row per household with probable non-take-up; written in the transaction that marks
-- the job done, so an interrupted run never leaves results behind.
CREATE TABLE screening_results (
    id INTEGER PRIMARY KEY,
    job_id BIGINT NOT NULL REFERENCES screening_jobs(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    household_ref TEXT NOT NULL,
    client_id BIGINT REFERENCES clients(id),
    rights_missed TEXT NOT NULL,
    rights_count BIGINT NOT NULL,
    missed_monthly_cents BIGINT NOT NULL,
    missed_yearly_cents BIGINT NOT NULL
);
CREATE INDEX screening_results_job ON screening_results(job_id, id);

-- A call round (belronde): a prioritised list of households divided among workers.
CREATE TABLE call_rounds (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('screening', 'clients')),
    job_id BIGINT REFERENCES screening_jobs(id),
    priority TEXT NOT NULL CHECK (priority IN ('money', 'rights')),
    filter_min_age BIGINT,
    filter_lives_alone BIGINT NOT NULL DEFAULT 0,
    retry_days BIGINT NOT NULL DEFAULT 7,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX call_rounds_org ON call_rounds(org_id, id);

-- One household to call. `status` is `to_call` until an outcome closes it; a household not
-- reached stays `to_call` with `due_at` set to when it comes back.
CREATE TABLE call_entries (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES call_rounds(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    position BIGINT NOT NULL,
    assigned_to BIGINT NOT NULL REFERENCES accounts(id),
    household_ref TEXT NOT NULL,
    client_id BIGINT REFERENCES clients(id),
    rights_missed TEXT NOT NULL,
    rights_count BIGINT NOT NULL,
    missed_monthly_cents BIGINT NOT NULL,
    missed_yearly_cents BIGINT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    due_at BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    updated_by BIGINT REFERENCES accounts(id),
    updated_at BIGINT NOT NULL
);
CREATE INDEX call_entries_round ON call_entries(round_id, position);
CREATE INDEX call_entries_assigned ON call_entries(assigned_to, status, due_at);

-- Append-only history of the outcomes of calls.
CREATE TABLE call_outcomes (
    id INTEGER PRIMARY KEY,
    entry_id BIGINT NOT NULL REFERENCES call_entries(id),
    at BIGINT NOT NULL,
    account_id BIGINT REFERENCES accounts(id),
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX call_outcomes_entry ON call_outcomes(entry_id, id);

-- A household that needs practical help (outcome "needs help"): a candidate help request
-- that the solidarity module takes from here.
CREATE TABLE help_request_candidates (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    source TEXT NOT NULL,
    call_entry_id BIGINT REFERENCES call_entries(id),
    client_id BIGINT REFERENCES clients(id),
    need TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'candidate',
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX help_request_candidates_org ON help_request_candidates(org_id, id);
