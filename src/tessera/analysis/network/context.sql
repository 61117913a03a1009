-- Table `context`: the offences around the graph's people, for exports. Each victim or
-- perpetrator party of an offence (its node and role), with what the offence was (Home Office
-- code, setting, location type, outcome), when it began, in which force and where (its 2021
-- LSOA: the place). Only the parties whose node is in the graph are kept, by the caller.
SELECT
    opn.offence_key,
    opn.node,
    opn.role,
    opn.perpetrator,
    opn.offence_date,
    opn.force_code,
    o.ho_offence_code,
    o.setting,
    o.location_type,
    o.lsoa,
    o.outcome_type
FROM offence_party_node AS opn
JOIN analysis.offence AS o ON o.record_key = opn.offence_key
ORDER BY opn.offence_key, opn.node, opn.role
