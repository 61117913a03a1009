-- Feature `charged_community`: a suspect of the case is in the same network community as
-- someone else who was charged (outcome group charge_summons) as a suspect or offender in an
-- offence whose outcome came after the case closed. Communities come from the network
-- analysis through `lookagain_community` (person_id, community_id, size), a table the service
-- registers from the mapping it is given; empty until the network analysis provides one, and
-- the feature then finds nothing. One evidence row per charged offence and member, naming
-- every suspect of the case in that community (two suspects of one case are often in one).
SELECT
    cs.case_key,
    'charged_community' AS feature,
    o.outcome_date AS evidence_on,
    o.agency_code,
    o.record_key AS evidence_key,
    other.person_id AS subject_key,
    'suspect ' || string_agg(DISTINCT cs.person_key, ' and ' ORDER BY cs.person_key)
        || ' in community ' || mine.community_id || ' ('
        || CAST(mine.size AS VARCHAR) || ' people) with ' || other.person_id
        || ', charged in an offence recorded by ' || o.force_code AS detail
FROM case_suspect AS cs
JOIN lookagain_community AS mine ON mine.person_id = cs.person_key
JOIN lookagain_community AS other
    ON other.community_id = mine.community_id AND other.person_id <> mine.person_id
JOIN party_identity AS p ON p.person_key = other.person_id AND p.is_perpetrator
JOIN analysis.offence AS o ON o.record_key = p.offence_key
JOIN reference.outcome_types AS t ON t.code = o.outcome_type
WHERE t.outcome_group = 'charge_summons' AND o.outcome_date > cs.closed_on
GROUP BY cs.case_key, mine.community_id, mine.size, other.person_id,
    o.record_key, o.outcome_date, o.agency_code, o.force_code
