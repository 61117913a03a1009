-- The evidence trail: every item of new evidence of every eligible case, from each feature
-- step, oldest first within a case. The service scores a case by the features it has here.
SELECT * FROM later_offence
UNION ALL
SELECT * FROM later_intelligence
UNION ALL
SELECT * FROM new_victim
UNION ALL
SELECT * FROM victim_referral
UNION ALL
SELECT * FROM new_object_tie
UNION ALL
SELECT * FROM charged_community
ORDER BY case_key, evidence_on, feature, evidence_key, subject_key
