-- Table: demographic statements about the victims and perpetrators of each force's CSA
-- offences, by stage of the investigation: how many give a known ethnicity, how many of those
-- were self-defined, and how many record a nationality (Casey recommendation 4: completeness
-- by stage and source).
SELECT
    po.force_code,
    ps.party,
    ps.captured_at_stage AS stage,
    min(ps.stage_order) AS stage_order,
    count(*) AS statements,
    count(*) FILTER (WHERE ps.ethnicity_known) AS known,
    count(*) FILTER (WHERE ps.ethnicity_known AND ps.ethnicity_source = 'self_defined')
        AS self_defined,
    count(*) FILTER (WHERE ps.nationality IS NOT NULL) AS nationality
FROM party_statement AS ps
JOIN analysis.offence_party AS op ON op.record_key = ps.party_key
JOIN profile_offence AS po ON po.record_key = op.crime_ref_key
WHERE ps.offence_group = 'all_csa'
GROUP BY po.force_code, ps.party, ps.captured_at_stage
ORDER BY po.force_code, ps.party, stage_order
