-- Table `context`: the offences around the graph's people, for exports. Each victim or
-- perpetrator party of an offence (its node, role and whether a perpetrator), with what the
-- offence was (Home Office code, setting, location type, outcome), when it began, in which
-- force and where (its 2021 LSOA: the place); perpetrators first within an offence, so the
-- first party of an offence in a community is the one that places it. Only the parties whose
-- node is in the graph are kept, by the caller.
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
ORDER BY opn.offence_key, opn.perpetrator DESC, opn.node, opn.role
