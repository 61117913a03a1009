-- Step `network_association`: the associations through the network graph that place a CSA
-- offence in the network count of group-based CSE, one row per offence, perpetrator, other
-- perpetrator, kind and evidence. Read with the parameters $window_days (rules.py
-- NETWORK_WINDOW_DAYS) and $max_sharers (rules.py network_params). The rule (docs/audit.md, "Group-based CSE through the network"):
--   a CSA offence (the `offence_category` rule) is network group-based when one of its
--   named perpetrators (a person by person_id once `tessera link` has run, else the record
--   itself) is associated with ANOTHER named perpetrator of any CSA offence, by
--     shared_victim     the two perpetrated CSA offences against the same TWO or more
--                       children (child_id, else the victim record), each pair of offences
--                       within $window_days of each other: one child abused by two people who
--                       are otherwise unconnected is repeat victimisation, not a group;
--     co_offending      the two were perpetrators together of another offence (any offence);
--     shared_<object>   graded intelligence links both to the same phone, vehicle, address or
--                       online account, each link seen (first to last) within $window_days of
--                       the offence, AND the two perpetrated CSA offences against at least one
--                       same child within $window_days of each other: sharing a home or a
--                       phone says people know each other, not that they offend together (the
--                       offence-related tie the association needs). An object linked to more
--                       than $max_sharers people (a hostel, a hotel, a shared line; the
--                       network's tie_rules.csv) ties no one, nor does intelligence graded E
--                       (suspected to be false).
--   Two people the intelligence records as family (an association of kind 'family' between
--   them, whenever seen) are never each other's association: families share homes, phones
--   and cars, and abuse within a family is the intra-familial category, not a group.
-- Records of unidentified suspects (no police nominal id) take no part: they name no one, and
-- a child's repeated reports of an unknown abuser would otherwise be two "perpetrators".
-- `seen_on` dates the association (the other offence, or when the later of the two object
-- links was first seen); `source` is the crime record or the intelligence source; `via` is
-- the pseudonymous key of what they share. Every key is pseudonymous.
WITH person AS (
    SELECT
        pr.record_key,
        coalesce(l.person_id, 'record:' || pr.record_key) AS person_key,
        coalesce(l.child_id, 'record:' || pr.record_key) AS child_key
    FROM analysis.person_record AS pr
    LEFT JOIN analysis.person_link AS l ON l.record_key = pr.record_key
),

offence_person AS (
    SELECT DISTINCT
        o.record_key AS offence_key,
        coalesce(o.committed_from, o.recorded_date) AS offence_date,
        r.perpetrator = 'yes' AS perpetrator,
        pr.police_person_id_key IS NOT NULL AS named,
        p.person_key,
        p.child_key
    FROM analysis.offence AS o
    JOIN analysis.offence_party AS op ON op.crime_ref_key = o.record_key
    JOIN reference.party_role AS r ON r.code = op.role
    JOIN person AS p ON p.record_key = op.person_record_id_key
    JOIN analysis.person_record AS pr ON pr.record_key = op.person_record_id_key
    WHERE op.role = 'victim' OR r.perpetrator = 'yes'
),

csa_person AS (
    SELECT op.*
    FROM offence_person AS op
    JOIN offence_category AS oc ON oc.record_key = op.offence_key
    WHERE oc.is_csa
),

csa_perpetrator AS (
    SELECT DISTINCT offence_key, offence_date, person_key
    FROM csa_person
    WHERE perpetrator AND named
),

family_record AS (  -- both ways round: equality joins, not a join on either key
    SELECT person_record_id_key AS record_key, linked_person_record_id_key AS other_record_key
    FROM analysis.association
    WHERE kind = 'family'
    UNION
    SELECT linked_person_record_id_key, person_record_id_key
    FROM analysis.association
    WHERE kind = 'family'
),

family AS (
    SELECT DISTINCT a.person_key, b.person_key AS other_person_key
    FROM family_record AS f
    JOIN person AS a ON a.record_key = f.record_key
    JOIN person AS b ON b.record_key = f.other_record_key
    WHERE a.person_key <> b.person_key
),

victim_pair AS (
    SELECT
        mine.offence_key, mine.person_key, other.person_key AS other_person_key,
        other.offence_date AS seen_on, victim.child_key AS via
    FROM csa_perpetrator AS mine
    JOIN csa_person AS victim ON victim.offence_key = mine.offence_key AND NOT victim.perpetrator
    JOIN csa_person AS other_victim
        ON other_victim.child_key = victim.child_key
        AND other_victim.offence_key <> mine.offence_key
        AND NOT other_victim.perpetrator
    JOIN csa_perpetrator AS other
        ON other.offence_key = other_victim.offence_key AND other.person_key <> mine.person_key
    WHERE abs(date_diff('day', mine.offence_date, other.offence_date)) <= $window_days
),

shared_victim AS (
    SELECT
        vp.offence_key, vp.person_key, vp.other_person_key, 'shared_victim' AS kind,
        vp.seen_on, 'crime_record' AS source, vp.via
    FROM victim_pair AS vp
    WHERE (
        SELECT count(DISTINCT both_ways.via)
        FROM victim_pair AS both_ways
        WHERE both_ways.person_key = vp.person_key
            AND both_ways.other_person_key = vp.other_person_key
    ) >= 2
),

co_offending AS (
    SELECT
        mine.offence_key, mine.person_key, other.person_key AS other_person_key,
        'co_offending' AS kind, other.offence_date AS seen_on, 'crime_record' AS source,
        other.offence_key AS via
    FROM csa_perpetrator AS mine
    JOIN offence_person AS me_there
        ON me_there.person_key = mine.person_key AND me_there.perpetrator
        AND me_there.offence_key <> mine.offence_key
    JOIN offence_person AS other
        ON other.offence_key = me_there.offence_key AND other.perpetrator AND other.named
        AND other.person_key <> mine.person_key
    WHERE other.person_key IN (SELECT person_key FROM csa_perpetrator)
),

graded_object_link AS (
    SELECT p.person_key, a.object_kind, a.object_value_key, a.first_seen,
        coalesce(a.last_seen, a.first_seen) AS last_seen, a.source
    FROM analysis.association AS a
    JOIN person AS p ON p.record_key = a.person_record_id_key
    WHERE a.object_value_key IS NOT NULL AND a.grading IS NOT NULL
        AND upper(substr(a.grading, 2, 1)) <> 'E'
        AND a.object_kind IN ('phone', 'vehicle', 'address', 'online_account')
),

object_link AS (
    SELECT gl.*
    FROM graded_object_link AS gl
    JOIN (
        SELECT a.object_kind, a.object_value_key
        FROM analysis.association AS a
        JOIN person AS p ON p.record_key = a.person_record_id_key
        WHERE a.object_value_key IS NOT NULL
        GROUP BY a.object_kind, a.object_value_key
        HAVING count(DISTINCT p.person_key) <= $max_sharers
    ) AS few
        ON few.object_kind = gl.object_kind AND few.object_value_key = gl.object_value_key
),

child_pair AS (
    SELECT DISTINCT person_key, other_person_key
    FROM victim_pair
),

shared_object AS (
    SELECT
        mine.offence_key, mine.person_key, theirs.person_key AS other_person_key,
        'shared_' || mine_link.object_kind AS kind,
        greatest(mine_link.first_seen, theirs.first_seen) AS seen_on,
        theirs.source, mine_link.object_value_key AS via
    FROM csa_perpetrator AS mine
    JOIN object_link AS mine_link ON mine_link.person_key = mine.person_key
    JOIN object_link AS theirs
        ON theirs.object_kind = mine_link.object_kind
        AND theirs.object_value_key = mine_link.object_value_key
        AND theirs.person_key <> mine.person_key
    JOIN child_pair
        ON child_pair.person_key = mine.person_key
        AND child_pair.other_person_key = theirs.person_key
    WHERE mine_link.first_seen <= mine.offence_date + to_days(CAST($window_days AS INTEGER))
        AND mine_link.last_seen >= mine.offence_date - to_days(CAST($window_days AS INTEGER))
        AND theirs.first_seen <= mine.offence_date + to_days(CAST($window_days AS INTEGER))
        AND theirs.last_seen >= mine.offence_date - to_days(CAST($window_days AS INTEGER))
),

found AS (
    SELECT * FROM shared_victim
    UNION
    SELECT * FROM co_offending
    UNION
    SELECT * FROM shared_object
)

SELECT found.*
FROM found
LEFT JOIN family
    ON family.person_key = found.person_key AND family.other_person_key = found.other_person_key
WHERE family.person_key IS NULL
