-- Tracker indicator for Casey recommendation 4 (ethnicity recording): for each force and party,
-- the demographic statements about the victims and perpetrators of its CSA offences taken at the
-- end of the investigation (capture stage 'investigation_end', measure M4), and how many give a
-- known ethnicity (the audit's party_statement step decides what is known).
SELECT
    oc.force_code,
    coalesce(pf.label, oc.force_code) AS force_label,
    ps.party,
    count(*) AS statements,
    sum(CASE WHEN ps.ethnicity_known THEN 1 ELSE 0 END) AS known
FROM party_statement AS ps
JOIN analysis.offence_party AS op ON op.record_key = ps.party_key
JOIN offence_category AS oc ON oc.record_key = op.crime_ref_key
LEFT JOIN reference.police_forces AS pf ON pf.code = oc.force_code
WHERE ps.offence_group = 'all_csa' AND ps.captured_at_stage = 'investigation_end'
GROUP BY oc.force_code, coalesce(pf.label, oc.force_code), ps.party
ORDER BY force_label, ps.party
