-- Take-up figures (issue 4, point 6). Kept column-for-column equal to
-- migrations/postgres/0009_takeup.sql.
--
-- `rights_found`: how many rights a check found eligible or likely, so that figures count
-- them without reading every stored result. Existing checks are counted from their JSON.
-- `refusal_code`: why a right was refused, as a code from a fixed list, so that reasons can
-- be counted across organisations; the free-text reason stays inside the organisation.
ALTER TABLE rights_checks ADD COLUMN rights_found BIGINT NOT NULL DEFAULT 0;
ALTER TABLE right_followups ADD COLUMN refusal_code TEXT;

UPDATE rights_checks SET rights_found = (
    SELECT count(*) FROM json_each(rights_checks.result, '$.rights')
    WHERE json_extract(value, '$.status') IN ('eligible', 'likely')
) WHERE json_valid(result) AND json_type(result, '$.rights') = 'array';

CREATE INDEX rights_checks_month ON rights_checks(reference_date, org_id);
CREATE INDEX right_followups_applied ON right_followups(applied_on, org_id);
CREATE INDEX right_followups_decided ON right_followups(decided_on, org_id);
