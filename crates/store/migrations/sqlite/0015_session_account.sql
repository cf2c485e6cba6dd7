-- The account a session is signed in to, kept beside the session's data, so that loading a
-- session reads its account in the same statement (one database read fewer per request).
-- NULL for a session without an account, and for sessions saved before this column: the web
-- layer then reads the account on its own.
ALTER TABLE sessions ADD COLUMN account_id BIGINT;
