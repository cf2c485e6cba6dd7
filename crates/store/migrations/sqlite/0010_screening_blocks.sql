-- Screening results in compressed blocks (issue 4, speed): a finished screening keeps its
-- households with probable non-take-up as lz4-compressed blocks of up to 4,096 rows, in the
-- order of the file, instead of one row per household. Written in the transaction that marks
-- the job done, like the rows before. `rights` lists the rights missed anywhere in the block
-- (`;`-separated, with a leading and trailing `;`), so a filter on one right skips blocks.
-- Kept column-for-column equal to migrations/postgres/0010_screening_blocks.sql.

CREATE TABLE screening_blocks (
    id INTEGER PRIMARY KEY,
    job_id BIGINT NOT NULL REFERENCES screening_jobs(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    seq BIGINT NOT NULL,
    row_count BIGINT NOT NULL,
    rights TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE UNIQUE INDEX screening_blocks_job ON screening_blocks(job_id, seq);
