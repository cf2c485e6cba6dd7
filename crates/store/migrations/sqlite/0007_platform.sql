-- Platform module (issue 7): the Action Plan Sterk Sociaal Werk 2020-2024 as data with
-- progress and its history, the bodies of the platforms with members and meetings, and the
-- yearly progress reports of the regional platforms.
-- Kept column-for-column equal to migrations/postgres/0007_platform.sql.

-- The plan's themes as the seed heads them (4.1-4.11; the kernel's `themes` names 4.1-4.10,
-- section 4.11 on innovation is named by the platform module), with the four spearheads
-- (0 = none).
CREATE TABLE plan_themes (
    section TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    heading TEXT NOT NULL,
    spearhead BIGINT NOT NULL DEFAULT 0,
    weight BIGINT NOT NULL DEFAULT 1
);

-- Actions: those of the seed (platform_id NULL, origin 'plan') and regional platforms' own.
CREATE TABLE plan_actions (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    section TEXT NOT NULL REFERENCES plan_themes(section),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('plan', 'regional')),
    platform_id BIGINT REFERENCES platforms(id),
    trekker TEXT NOT NULL DEFAULT '',
    weight BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);
CREATE INDEX plan_actions_section ON plan_actions(section, position);

CREATE TABLE plan_initiatives (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    action_id BIGINT NOT NULL REFERENCES plan_actions(id),
    position BIGINT NOT NULL,
    text TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('plan', 'regional')),
    platform_id BIGINT REFERENCES platforms(id),
    status TEXT NOT NULL DEFAULT 'not_started'
        CHECK (status IN ('not_started', 'preparing', 'underway', 'advanced', 'done', 'dropped')),
    progress BIGINT NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    weight BIGINT NOT NULL DEFAULT 1 CHECK (weight BETWEEN 0 AND 1000),
    account TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES accounts(id)
);
CREATE INDEX plan_initiatives_action ON plan_initiatives(action_id, position);

-- Append-only history of every progress change (the timeline per theme reads it).
CREATE TABLE plan_progress_history (
    id INTEGER PRIMARY KEY,
    initiative_id BIGINT NOT NULL REFERENCES plan_initiatives(id),
    section TEXT NOT NULL,
    at BIGINT NOT NULL,
    on_date TEXT NOT NULL,
    account_id BIGINT REFERENCES accounts(id),
    platform_id BIGINT REFERENCES platforms(id),
    status TEXT NOT NULL,
    progress BIGINT NOT NULL,
    weight BIGINT NOT NULL,
    account TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_progress_history_section ON plan_progress_history(section, at);
CREATE INDEX plan_progress_history_initiative ON plan_progress_history(initiative_id, id);
CREATE TRIGGER plan_progress_history_no_update BEFORE UPDATE ON plan_progress_history
BEGIN SELECT RAISE(ABORT, 'plan_progress_history is append-only'); END;
CREATE TRIGGER plan_progress_history_no_delete BEFORE DELETE ON plan_progress_history
BEGIN SELECT RAISE(ABORT, 'plan_progress_history is append-only'); END;

CREATE TABLE plan_milestones (
    id INTEGER PRIMARY KEY,
    initiative_id BIGINT NOT NULL REFERENCES plan_initiatives(id),
    due_on TEXT NOT NULL,
    label TEXT NOT NULL,
    reached BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX plan_milestones_initiative ON plan_milestones(initiative_id, due_on);

CREATE TABLE plan_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO plan_settings (key, value) VALUES ('rollup', 'weighted');

-- Bodies: the Flemish platform's kerngroep, stuurgroep and klankbordgroep, and one body per
-- regional platform (rows loaded with the reference data, after the platforms).
CREATE TABLE bodies (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('kerngroep', 'stuurgroep', 'klankbordgroep', 'regional')),
    platform_id BIGINT NOT NULL REFERENCES platforms(id),
    position BIGINT NOT NULL
);
CREATE TABLE body_members (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    role TEXT NOT NULL CHECK (role IN ('chair', 'vice_chair', 'member')),
    seat TEXT NOT NULL DEFAULT '',
    person TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    org_id BIGINT REFERENCES organisations(id),
    position BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX body_members_body ON body_members(body_id, position);
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    agenda TEXT NOT NULL DEFAULT '',
    minutes TEXT NOT NULL DEFAULT '',
    attendees BIGINT NOT NULL DEFAULT 0 CHECK (attendees >= 0),
    created_by BIGINT REFERENCES accounts(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX meetings_body ON meetings(body_id, held_on);

-- What a meeting discussed: an action now; practices and signal dossiers when those
-- modules exist (target_id then refers to their tables).
CREATE TABLE meeting_links (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    kind TEXT NOT NULL CHECK (kind IN ('action', 'practice', 'signal_dossier')),
    target_id BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, kind, target_id)
);

-- Yearly progress report of a regional platform: the chair's texts; the figures are
-- assembled from the data when the report is shown, and frozen when it is submitted.
CREATE TABLE yearly_reports (
    id INTEGER PRIMARY KEY,
    platform_id BIGINT NOT NULL REFERENCES platforms(id),
    year BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    summary TEXT NOT NULL DEFAULT '',
    themes_text TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    snapshot TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES accounts(id),
    submitted_at BIGINT,
    submitted_by BIGINT REFERENCES accounts(id),
    UNIQUE (platform_id, year)
);
