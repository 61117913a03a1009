"""Stable child and person identifiers: carrying each linked person's id from run to run.

Why ids are carried, not recomputed: analysts, caseworkers and the look-again list refer to a
child by their id, so when new extracts arrive a child must keep the id they had. Each new
cluster of records takes the id of the earlier person whose records it mostly holds, provided
that person's records mostly went to this cluster (a mutual best overlap); otherwise it gets a
new id. When two earlier people become one (a merge) the larger keeps their id and the other
id is retired; when one earlier person becomes two (a split) the part holding most of their
records keeps the id. Both are written to `ops.linkage_history`, so nobody is surprised that
an id stopped appearing.

The builders below are pure SQL strings with named parameters, run in order by the warehouse
engine inside one transaction. They read `linkage_clusters` (record_id = the record_key,
cluster_id, match_probability), which the caller registers, and write the tables the
warehouse schema defines (`analysis.person_link`, `ops.linkage_history`).
"""

from __future__ import annotations

CLUSTERS = "linkage_clusters"
"""Name the caller registers the pipeline's clusters under."""

ID_HEX_DIGITS = 16
"""Hex digits of a new id: 64 bits, so a million ids collide with odds of about 1 in 30
million (12 digits would be 1 in 560)."""

CHILD_PREFIX = "C-"
PERSON_PREFIX = "P-"


def carry_ids_sqls() -> list[str]:
    """Statements building `link_assigned` (cluster_id, linked_id, is_new) and writing this
    run's merges and splits to the history; parameter `$run_id`."""
    return [
        # How many records each new cluster shares with each earlier person.
        "CREATE OR REPLACE TEMP TABLE link_overlap AS "
        "SELECT c.cluster_id, p.linked_id, count(*) AS shared "
        f"FROM {CLUSTERS} c JOIN analysis.person_link p ON p.record_key = c.record_id "
        "GROUP BY ALL",
        # Each earlier person's best cluster (most shared records; ties to the lower id).
        "CREATE OR REPLACE TEMP TABLE link_best AS "
        "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY linked_id "
        "ORDER BY shared DESC, cluster_id) AS rank FROM link_overlap) WHERE rank = 1",
        # Of the earlier people whose best cluster it is, the cluster keeps the largest.
        "CREATE OR REPLACE TEMP TABLE link_carried AS "
        "SELECT cluster_id, linked_id FROM (SELECT *, row_number() OVER (PARTITION BY "
        "cluster_id ORDER BY shared DESC, linked_id) AS keeper FROM link_best) "
        "WHERE keeper = 1",
        "CREATE OR REPLACE TEMP TABLE link_assigned AS "
        "SELECT c.cluster_id, coalesce(k.linked_id, upper(substr(sha256("
        f"c.cluster_id || ':' || $run_id), 1, {ID_HEX_DIGITS}))) AS linked_id, "
        "k.linked_id IS NULL AS is_new "
        f"FROM (SELECT DISTINCT cluster_id FROM {CLUSTERS}) c "
        "LEFT JOIN link_carried k USING (cluster_id)",
        # A merge: an earlier person whose best cluster kept someone else's id.
        "INSERT INTO ops.linkage_history "
        "SELECT $run_id, 'merge', a.linked_id, b.linked_id, b.shared "
        "FROM link_best b JOIN link_assigned a USING (cluster_id) "
        "WHERE a.linked_id <> b.linked_id",
        # A split: records of an earlier person that went to a cluster other than their best.
        "INSERT INTO ops.linkage_history "
        "SELECT $run_id, 'split', a.linked_id, o.linked_id, o.shared "
        "FROM link_overlap o JOIN link_best b USING (linked_id) "
        "JOIN link_assigned a ON a.cluster_id = o.cluster_id "
        "WHERE o.cluster_id <> b.cluster_id",
    ]


def record_roles_sql() -> str:
    """SQL of each linked cluster's roles: ever a child, ever a suspect or offender.

    Why from the records' uses and not their ages: a victim of a child sexual abuse offence
    and the subject of a referral or a health or education contact are children by what the
    agency recorded about them; a date of birth may be missing or wrong.
    """
    return (
        "WITH record_roles AS ("
        "SELECT person_record_id_key AS record_key, true AS child, false AS suspect "
        "FROM analysis.referral "
        "UNION ALL SELECT person_record_id_key, true, false FROM analysis.contact "
        "UNION ALL SELECT op.person_record_id_key, op.role = 'victim', "
        "coalesce(r.perpetrator = 'yes', false) "
        "FROM analysis.offence_party op LEFT JOIN reference.party_role r ON r.code = op.role) "
        "SELECT c.cluster_id, coalesce(bool_or(rr.child), false) AS child, "
        "coalesce(bool_or(rr.suspect), false) AS suspect "
        f"FROM {CLUSTERS} c LEFT JOIN record_roles rr ON rr.record_key = c.record_id "
        "GROUP BY c.cluster_id"
    )


def write_links_sqls() -> list[str]:
    """Statements replacing `analysis.person_link` with this run's ids; `$run_id`."""
    return [
        f"CREATE OR REPLACE TEMP TABLE link_roles AS {record_roles_sql()}",
        "DELETE FROM analysis.person_link",
        "INSERT INTO analysis.person_link "
        "SELECT c.record_id, pr.agency_code, a.linked_id, "
        f"CASE WHEN r.child THEN '{CHILD_PREFIX}' || a.linked_id END, "
        f"CASE WHEN r.suspect THEN '{PERSON_PREFIX}' || a.linked_id END, "
        "c.match_probability, $run_id "
        f"FROM {CLUSTERS} c JOIN link_assigned a USING (cluster_id) "
        "JOIN link_roles r USING (cluster_id) "
        "JOIN analysis.person_record pr ON pr.record_key = c.record_id",
    ]


def run_summary_sql() -> str:
    """SQL of this run's counts, read after the statements above; `$run_id`."""
    return (
        "SELECT (SELECT count(*) FROM analysis.person_link) AS records, "
        "(SELECT count(DISTINCT linked_id) FROM analysis.person_link) AS people, "
        "(SELECT count(DISTINCT child_id) FROM analysis.person_link) AS children, "
        "(SELECT count(DISTINCT person_id) FROM analysis.person_link) AS persons, "
        "(SELECT count(*) FILTER (NOT is_new) FROM link_assigned) AS kept, "
        "(SELECT count(*) FILTER (is_new) FROM link_assigned) AS new, "
        "(SELECT count(*) FROM ops.linkage_history WHERE run_id = $run_id "
        "AND event = 'merge') AS merged, "
        "(SELECT count(*) FROM ops.linkage_history WHERE run_id = $run_id "
        "AND event = 'split') AS split"
    )
