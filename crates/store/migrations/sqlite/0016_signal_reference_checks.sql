-- PostgreSQL's 0016 drops the foreign keys from signals to municipalities, platforms and
-- themes (the inserting statements check them); SQLite keeps them, as a foreign key check
-- there is one index probe. Nothing changes here; the file keeps the numbering of both
-- backends in step.
SELECT 1;
