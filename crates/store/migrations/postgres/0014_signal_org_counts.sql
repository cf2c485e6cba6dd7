-- The figures of an organisation's own signals (issue 5), like signal_counts for all
-- organisations: one row per organisation, dimension (challenge, right, life, region, month,
-- target_group) and code, kept in the registering transaction, so the figures page reads a
-- few dozen rows instead of grouping the organisation's signals on every view. Kept
-- column-for-column equal to migrations/sqlite/0014_signal_org_counts.sql.
CREATE TABLE signal_org_counts (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    dimension TEXT NOT NULL,
    code TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, dimension, code)
);

-- The signals registered before this table existed.
INSERT INTO signal_org_counts (org_id, dimension, code, n)
SELECT org_id, 'challenge', challenge, COUNT(*) FROM signals GROUP BY org_id, challenge
UNION ALL
SELECT org_id, subject_kind, subject, COUNT(*) FROM signals GROUP BY org_id, subject_kind, subject
UNION ALL
SELECT org_id, 'region', CAST(platform_id AS TEXT), COUNT(*) FROM signals GROUP BY org_id, platform_id
UNION ALL
SELECT org_id, 'month', month, COUNT(*) FROM signals GROUP BY org_id, month
UNION ALL
SELECT s.org_id, 'target_group', g.code, COUNT(*)
FROM signals s, unnest(string_to_array(s.target_groups, ',')) AS g(code)
WHERE s.target_groups <> ''
GROUP BY s.org_id, g.code;
