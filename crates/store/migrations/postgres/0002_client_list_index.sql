-- The client list and its count read only live clients of one organisation, by name then id.
-- A partial index on (org_id, name, id) of the live rows gives the list's order without a sort
-- and lets the count run as an index-only scan.
CREATE INDEX clients_org_live_name ON clients(org_id, name, id) WHERE erased_at IS NULL;
