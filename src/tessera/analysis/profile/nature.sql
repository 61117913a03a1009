-- Table: the nature of the force's CSA offences, counted once per aspect, for all CSA and for
-- group-based CSE: the kind of place (location_type; hotels, taxis, takeaways, care homes and
-- online among them), the recorded setting, familial against non-familial (any perpetrator a
-- family member, or the setting family; non-familial when every perpetrator's relationship is
-- recorded and none is family; else not recorded), and peer-on-peer (a perpetrator recorded
-- as the victim's peer or aged under 18 at the offence; not recorded when no perpetrator has
-- an age or relationship). Values not recorded are counted as 'not_recorded'.
WITH perpetrator AS (
    SELECT
        op.crime_ref_key,
        bool_or(op.relationship_to_victim = 'family_member') AS family,
        bool_and(op.relationship_to_victim IS NOT NULL) AS all_recorded,
        bool_or(op.relationship_to_victim = 'peer' OR op.age_at_offence < 18) AS peer,
        bool_or(op.relationship_to_victim IS NOT NULL OR op.age_at_offence IS NOT NULL)
            AS any_recorded
    FROM analysis.offence_party AS op
    JOIN reference.party_role AS r ON r.code = op.role
    WHERE r.perpetrator = 'yes'
    GROUP BY op.crime_ref_key
),

facts AS (
    SELECT
        po.force_code,
        po.group_based,
        coalesce(po.location_type, 'not_recorded') AS location_type,
        coalesce(po.setting, 'not_recorded') AS setting,
        CASE
            WHEN coalesce(p.family, false) OR po.setting = 'family' THEN 'familial'
            WHEN coalesce(p.all_recorded, false) THEN 'non_familial'
            ELSE 'not_recorded'
        END AS familial,
        CASE
            WHEN coalesce(p.peer, false) THEN 'peer'
            WHEN coalesce(p.any_recorded, false) THEN 'not_peer'
            ELSE 'not_recorded'
        END AS peer_on_peer,
        CASE WHEN po.is_online THEN 'online' ELSE 'not_online' END AS online
    FROM profile_offence AS po
    LEFT JOIN perpetrator AS p ON p.crime_ref_key = po.record_key
),

aspects AS (
    SELECT force_code, group_based, 'location_type' AS aspect, location_type AS code FROM facts
    UNION ALL
    SELECT force_code, group_based, 'setting', setting FROM facts
    UNION ALL
    SELECT force_code, group_based, 'familial', familial FROM facts
    UNION ALL
    SELECT force_code, group_based, 'peer_on_peer', peer_on_peer FROM facts
    UNION ALL
    SELECT force_code, group_based, 'online', online FROM facts
)

SELECT
    force_code,
    aspect,
    code,
    count(*) AS csa_offences,
    count(*) FILTER (WHERE group_based) AS group_based
FROM aspects
GROUP BY force_code, aspect, code
ORDER BY force_code, aspect, code
