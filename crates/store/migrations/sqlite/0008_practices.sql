-- Platform module, issue 7 points 5, 6 and 8: the good-practice database (praktijkendatabank),
-- events and the Sociaalwerkconferentie, and the diversity self-assessment. Kept
-- column-for-column equal to migrations/postgres/0008_practices.sql.

-- A good practice. Lists of codes (krachtlijnen, challenges, target groups) are stored as
-- comma-separated codes; the search index (crates/search) is what filters and counts them.
CREATE TABLE practices (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    platform_id BIGINT NOT NULL REFERENCES platforms(id),
    status TEXT NOT NULL CHECK (status IN ('submitted', 'published', 'sent_back')),
    language TEXT NOT NULL CHECK (language IN ('nl', 'fr')),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    description TEXT NOT NULL,
    krachtlijnen TEXT NOT NULL,
    challenges TEXT NOT NULL DEFAULT '',
    target_groups TEXT NOT NULL,
    ingredients TEXT NOT NULL,
    conditions TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    review_comment TEXT NOT NULL DEFAULT '',
    submitted_by BIGINT REFERENCES accounts(id),
    reviewed_by BIGINT REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    reviewed_at BIGINT,
    published_at BIGINT
);
CREATE INDEX practices_status ON practices(status, platform_id);
CREATE INDEX practices_org ON practices(org_id);

-- Typed link slots to other parts of the platform module: action-plan initiatives and
-- signal dossiers. The target tables are added by those modules; no foreign key here yet.
CREATE TABLE practice_links (
    id INTEGER PRIMARY KEY,
    practice_id BIGINT NOT NULL REFERENCES practices(id),
    kind TEXT NOT NULL CHECK (kind IN ('initiative', 'signal_dossier')),
    target_id BIGINT NOT NULL,
    UNIQUE (practice_id, kind, target_id)
);

-- Every review decision (history; the practice row holds the latest).
CREATE TABLE practice_reviews (
    id INTEGER PRIMARY KEY,
    practice_id BIGINT NOT NULL REFERENCES practices(id),
    decision TEXT NOT NULL CHECK (decision IN ('published', 'sent_back', 'submitted')),
    comment TEXT NOT NULL DEFAULT '',
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    at BIGINT NOT NULL
);
CREATE INDEX practice_reviews_practice ON practice_reviews(practice_id, id);

-- Events: World Social Work Day events per region, the Sociaalwerkconferentie, others.
-- registered_count and waiting_count are kept in the transaction of every registration
-- change; the conditional UPDATE on them is what keeps an event from going over capacity.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('wswd', 'conference', 'other')),
    platform_id BIGINT REFERENCES platforms(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    held_on TEXT NOT NULL,
    starts_at TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    capacity BIGINT,
    waitlist_capacity BIGINT,
    registered_count BIGINT NOT NULL DEFAULT 0,
    waiting_count BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES accounts(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX events_held_on ON events(held_on);

CREATE TABLE event_sessions (
    id INTEGER PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    starts_at TEXT NOT NULL DEFAULT '',
    ends_at TEXT NOT NULL DEFAULT '',
    room TEXT NOT NULL DEFAULT '',
    krachtlijn TEXT
);
CREATE INDEX event_sessions_event ON event_sessions(event_id, position);

CREATE TABLE event_speakers (
    id INTEGER PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES event_sessions(id),
    name TEXT NOT NULL,
    affiliation TEXT NOT NULL DEFAULT ''
);
CREATE INDEX event_speakers_session ON event_speakers(session_id);

-- Practices showcased at an event (optionally in one session).
CREATE TABLE event_practices (
    id INTEGER PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id),
    practice_id BIGINT NOT NULL REFERENCES practices(id),
    session_id BIGINT REFERENCES event_sessions(id),
    UNIQUE (event_id, practice_id)
);

CREATE TABLE event_registrations (
    id INTEGER PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('registered', 'waiting', 'cancelled')),
    token TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    promoted_at BIGINT,
    cancelled_at BIGINT
);
CREATE INDEX event_registrations_event ON event_registrations(event_id, status, id);
CREATE INDEX event_registrations_email ON event_registrations(event_id, email);

-- Diversity self-assessment (seed 003 section 4.3, after the VIVO tool): one row per
-- completed questionnaire; scores per domain 0–100; the answers as JSON (codes and numbers).
CREATE TABLE diversity_assessments (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    taken_on TEXT NOT NULL,
    answers TEXT NOT NULL,
    score_employees BIGINT NOT NULL,
    score_offer BIGINT NOT NULL,
    score_target_group BIGINT NOT NULL,
    score_identity BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX diversity_assessments_org ON diversity_assessments(org_id, taken_on);
