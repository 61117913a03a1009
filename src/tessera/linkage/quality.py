"""How good the linkage is: scores against a ground truth, and pairs for a reviewer.

Why pair and cluster level: pairwise precision and recall weigh big clusters heavily (a
wrong merge of two large families costs many pairs), cluster level counts people (how many
children have exactly their own records and nobody else's). A statistician needs both to
judge a count of victims. Why borderline pairs: the threshold is a judgement; the pairs just
either side of it show a reviewer what it decides, with identifiers masked so the report can
travel to people who are not cleared for identities.

The SQL reads `analysis.person_link` and the identity zone, and `linkage_truth`
(agency_code, source_record_id, true_person_id) or `linkage_pairs` (the run's scored pairs),
which the caller registers.
"""

from __future__ import annotations

from dataclasses import dataclass

TRUTH = "linkage_truth"
"""Name the caller registers a ground-truth table under."""
PAIRS = "linkage_pairs"
"""Name the caller registers the run's scored pairs under."""

BORDERLINE_EACH_SIDE = 10
"""Pairs shown from each side of the threshold: enough to see what it decides, few enough to
read."""


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 from counts of true positives, predictions and truths."""

    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        """Share of predicted links (or people) that are right."""
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of true links (or people) that were found."""
        return self.true_positives / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class Quality:
    """Scores of one run against the ground truth, for all records and for children's."""

    pairs: Scores
    clusters: Scores
    child_pairs: Scores
    records_scored: int


_JOINED = (
    "SELECT p.linked_id AS cluster, t.true_person_id AS person, p.child_id IS NOT NULL "
    "AS child FROM analysis.person_link p "
    "JOIN identity.person_record i USING (record_key) "
    f"JOIN {TRUTH} t ON t.agency_code = i.agency_code "
    "AND t.source_record_id = i.source_record_id"
)


def pair_counts_sql(children_only: bool = False, joined: str = _JOINED) -> str:
    """SQL of (true_positives, predicted, actual) record pairs.

    Why by counting and not by listing pairs: a cluster of n records holds n(n-1)/2 pairs,
    so the counts come from cluster sizes and a million records cost a few group-bys.
    `joined` gives one row per record with its `cluster` and true `person` (and `child` for
    `children_only`): the warehouse's by default, a standalone file's in the benchmarks.
    """
    if children_only:
        joined = f"SELECT * FROM ({joined}) WHERE child"
    return (
        f"WITH j AS ({joined}), "
        "both_ AS (SELECT count(*) AS n FROM j GROUP BY cluster, person), "
        "predicted AS (SELECT count(*) AS n FROM j GROUP BY cluster), "
        "actual AS (SELECT count(*) AS n FROM j GROUP BY person) "
        "SELECT (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM both_) AS true_positives, "
        "(SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM predicted) AS predicted, "
        "(SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM actual) AS actual"
    )


def cluster_counts_sql(joined: str = _JOINED) -> str:
    """SQL of (true_positives, predicted, actual) people: a cluster is right when it holds
    exactly one true person's records, all of them. `joined` as for `pair_counts_sql`."""
    return (
        f"WITH j AS ({joined}), "
        "c AS (SELECT cluster, count(DISTINCT person) AS persons, any_value(person) AS person "
        "FROM j GROUP BY cluster), "
        "p AS (SELECT person, count(DISTINCT cluster) AS clusters FROM j GROUP BY person) "
        "SELECT (SELECT count(*) FROM c JOIN p USING (person) "
        "WHERE c.persons = 1 AND p.clusters = 1) AS true_positives, "
        "(SELECT count(*) FROM c) AS predicted, (SELECT count(*) FROM p) AS actual"
    )


def records_scored_sql() -> str:
    """SQL counting the linked records the truth covers."""
    return f"SELECT count(*) FROM ({_JOINED})"


def _masked(side: str) -> str:
    """Masked identity columns of one side of a pair: initials, year, postcode district."""
    return (
        f"left({side}.given_name, 1) || '.' AS given_{side}, "
        f"left({side}.family_name, 1) || '.' AS family_{side}, "
        f"year({side}.date_of_birth) AS born_{side}, "
        f"regexp_extract(upper({side}.postcode), '^[A-Z]{{1,2}}[0-9][A-Z0-9]?') "
        f"AS district_{side}, "
        f"{side}.agency_code AS agency_{side}"
    )


def borderline_pairs_sql(with_truth: bool) -> str:
    """SQL of the scored pairs nearest the threshold `$threshold` on each side, masked.

    Each row says whether the pair was linked, whether the relatives rule kept it apart,
    whether the two records' NHS numbers and UPNs agree (never the numbers), and with a
    ground truth whether the two are truly one person.
    """
    truth_column = (
        ", tl.true_person_id = tr.true_person_id AS truly_same" if with_truth
        else ", NULL::BOOLEAN AS truly_same")
    truth_join = (
        f" LEFT JOIN {TRUTH} tl ON tl.agency_code = l.agency_code "
        "AND tl.source_record_id = l.source_record_id "
        f"LEFT JOIN {TRUTH} tr ON tr.agency_code = r.agency_code "
        "AND tr.source_record_id = r.source_record_id" if with_truth else "")
    agree = ("CASE WHEN l.{c} IS NULL OR r.{c} IS NULL THEN 'missing' "
             "WHEN l.{c} = r.{c} THEN 'same' ELSE 'different' END AS {c}")
    return (
        "WITH near AS (SELECT *, match_probability >= $threshold AND kept AS linked, "
        "row_number() OVER (PARTITION BY match_probability >= $threshold "
        "ORDER BY abs(match_probability - $threshold), record_id_l, record_id_r) AS rank "
        f"FROM {PAIRS} WHERE match_weight IS NOT NULL) "
        f"SELECT n.match_probability, n.match_weight, n.linked, NOT n.kept AS kept_apart, "
        f"{_masked('l')}, {_masked('r')}, "
        f"{agree.format(c='nhs_number')}, {agree.format(c='upn')}{truth_column} "
        "FROM near n JOIN identity.person_record l ON l.record_key = n.record_id_l "
        f"JOIN identity.person_record r ON r.record_key = n.record_id_r{truth_join} "
        f"WHERE n.rank <= {BORDERLINE_EACH_SIDE} ORDER BY n.match_probability DESC"
    )
