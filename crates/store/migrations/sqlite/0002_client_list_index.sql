-- The client list and its count read only live clients of one organisation, by name. A
-- partial index on (org_id, name) of the live rows holds everything the count needs (the
-- rowid is the id), so the count no longer visits each client's row, and it yields rows in
-- the list's order (name, id).
CREATE INDEX clients_org_live_name ON clients(org_id, name) WHERE erased_at IS NULL;
