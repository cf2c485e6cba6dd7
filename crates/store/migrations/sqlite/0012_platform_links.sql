-- Platform module (issue 7), follow-up: theme 4.11 of the action plan, lookups of links in
-- both directions, and the erasure of event registrations after the event.
-- Kept column-for-column equal to migrations/postgres/0012_platform_links.sql.

-- Theme 4.11 (social, technical and methodical innovation) in the kernel's theme list. A
-- fresh database gets it from the reference data (loaded after the migrations, when this
-- table is still empty); a database whose reference data is already loaded gets it here.
INSERT INTO themes (code, section, position, kind, title_nl, name_nl, name_fr, name_en)
SELECT 'innovatie', '4.11', 11, 'further',
    'Sociaalwerkpraktijken zetten in op maatschappelijke, technische en methodische innovatie',
    'Innovatie', 'Innovation', 'Innovation'
WHERE EXISTS (SELECT 1 FROM meta WHERE key = 'reference_data')
    AND NOT EXISTS (SELECT 1 FROM themes WHERE section = '4.11');

-- The other direction of a link: the practices linked to an initiative or a dossier, and
-- the meetings that discussed a practice or a dossier.
CREATE INDEX practice_links_target ON practice_links(kind, target_id);
CREATE INDEX meeting_links_target ON meeting_links(kind, target_id);

-- Data minimisation: participants' names and e-mail addresses are erased some days after
-- the event (the rows are deleted); registered_count and waiting_count stay as the
-- anonymous counts, with how many registrations were erased and when.
ALTER TABLE events ADD COLUMN registrations_erased_at BIGINT;
ALTER TABLE events ADD COLUMN erased_registrations BIGINT NOT NULL DEFAULT 0;
