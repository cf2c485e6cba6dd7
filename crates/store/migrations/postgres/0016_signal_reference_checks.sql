-- Signals: the references to reference data (the municipality, its region and the challenge)
-- are checked by the statements that insert signals, which take the municipality and its
-- region from `municipalities` and require the challenge in `themes` in the same statement
-- (a signal whose municipality or challenge does not exist is not inserted, and a group of
-- signals with one such signal fails as a whole). On PostgreSQL each foreign key is a trigger
-- call per inserted row; these three cost 20 % of the registration throughput at 64
-- concurrent users (docs/benchmarks.md, "Signals, PostgreSQL registration"). Reference data
-- is loaded by `reference::load` and never deleted. The references to organisations and
-- accounts stay foreign keys. SQLite keeps all of them (a foreign key there is one index probe).
ALTER TABLE signals
    DROP CONSTRAINT signals_challenge_fkey,
    DROP CONSTRAINT signals_refnis_fkey,
    DROP CONSTRAINT signals_platform_id_fkey;
