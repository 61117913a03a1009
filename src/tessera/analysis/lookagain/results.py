"""What the look-again list returns: ranked cases, each with its features' contributions and
its evidence trail, and the same as two plain tables of rows with keys.

Why plain tables too: the CSV, the HTML report and, later, the web app's read-only snapshot
(analysts see their own force's rows) all read the same rows by key; `case_force_code` is on
both tables so a snapshot can be scoped by force without a join.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tessera.analysis.lookagain.rules import EligibilityRules
from tessera.analysis.lookagain.weights import FeatureWeight
from tessera.analysis.results import Cell, Column, StatTable


@dataclass(frozen=True)
class Evidence:
    """One item of new evidence: what it is, when it arose, which agency holds it, its record
    and whom it is about (pseudonymous keys only)."""

    feature: str
    evidence_on: date
    agency_code: str
    evidence_key: str
    subject_key: str
    detail: str


@dataclass(frozen=True)
class Contribution:
    """What one feature adds to a case's score: its weight if the case has any evidence of
    it, else nothing; `items` is how many items of that evidence there are."""

    feature: FeatureWeight
    items: int

    @property
    def points(self) -> float:
        """The feature's weight when present, 0 when not."""
        return self.feature.weight if self.items else 0.0


@dataclass(frozen=True)
class Case:
    """One eligible closed case (an offence, by its pseudonymous key), the facts behind the
    rules it meets, what each feature contributes and its evidence trail, oldest first."""

    case_key: str
    force_code: str
    ho_offence_code: str
    outcome_type: str
    outcome_group: str
    closed_on: date
    group_based: bool
    suspects: int
    victims: int
    contributions: tuple[Contribution, ...]
    evidence: tuple[Evidence, ...]

    @property
    def score(self) -> float:
        """The sum of the contributions: the weights of the features the case has."""
        return sum(c.points for c in self.contributions)

    def rules_met(self, rules: EligibilityRules) -> str:
        """Each eligibility rule with the fact of this case that meets it."""
        group = ("CSE flag or Home Office code 71" if rules.group_based
                 else f"not required ({'yes' if self.group_based else 'no'})")
        return (f"nfa_outcome_groups: outcome {self.outcome_type} ({self.outcome_group}); "
                f"decided_from, decided_to: closed {self.closed_on.isoformat()}; "
                f"min_suspects: {self.suspects} suspects; group_based: {group}")


@dataclass(frozen=True)
class LookAgainResult:
    """The ranked list (highest score first), the rules and weights it was made with, the
    force it is limited to (None: every force) and whether network communities were given
    (without them `charged_community` scores nothing)."""

    cases: tuple[Case, ...]
    rules: EligibilityRules
    weights: tuple[FeatureWeight, ...]
    force: str | None
    communities_supplied: bool

    @property
    def with_evidence(self) -> int:
        """How many cases have any new evidence."""
        return sum(1 for case in self.cases if case.evidence)

    def tables(self) -> dict[str, StatTable]:
        """The list as two tables: `cases` (one row per case, in rank order, with every
        feature's contribution) and `evidence` (one row per item of evidence)."""
        return {"cases": self.cases_table(), "evidence": self.evidence_table()}

    def cases_table(self) -> StatTable:
        """One row per case: rank, key, force, closure, score, contributions, rules met."""
        columns = (
            Column("rank", "Rank", "figure"),
            Column("case_key", "Case (offence key)", "dimension"),
            Column("case_force_code", "Force", "figure"),
            Column("closed_on", "Closed on", "figure"),
            Column("ho_offence_code", "Home Office code", "figure"),
            Column("outcome_type", "Outcome type", "figure"),
            Column("suspects", "Suspects", "figure"),
            Column("victims", "Victims", "figure"),
            Column("score", "Score", "figure", decimals=1),
            *(Column(w.feature, w.label, "figure", decimals=1) for w in self.weights),
            Column("evidence_items", "Evidence items", "figure"),
            Column("rules_met", "Eligibility rules met", "figure"),
        )
        rows = tuple(
            (rank, case.case_key, case.force_code, case.closed_on.isoformat(),
             case.ho_offence_code, case.outcome_type, case.suspects, case.victims, case.score,
             *self._points(case), len(case.evidence), case.rules_met(self.rules))
            for rank, case in enumerate(self.cases, start=1))
        return StatTable(
            name="cases", title="Closed cases to look at again", columns=columns, rows=rows,
            description="Eligible closed cases, highest score first; a case's score is the "
                        "sum of the weights of the features it has new evidence of.",
            notes=(f"Eligibility rules from {self.rules.source}.",
                   *(() if self.communities_supplied else (
                       "No network communities were supplied: the charged-community feature "
                       "scores nothing.",))))

    @staticmethod
    def _points(case: Case) -> tuple[Cell, ...]:
        """Each feature's contribution to the case's score, in feature order."""
        return tuple(c.points for c in case.contributions)

    def evidence_table(self) -> StatTable:
        """One row per item of new evidence, cases in rank order, oldest item first."""
        labels = {w.feature: w.label for w in self.weights}
        columns = (
            Column("case_key", "Case (offence key)", "dimension"),
            Column("feature", "Feature", "dimension"),
            Column("evidence_key", "Evidence record", "dimension"),
            Column("subject_key", "About", "dimension"),
            Column("case_force_code", "Case force", "figure"),
            Column("feature_label", "What", "figure"),
            Column("evidence_on", "Date", "figure"),
            Column("agency_code", "Agency", "figure"),
            Column("detail", "Detail", "figure"),
        )
        rows = tuple(
            (case.case_key, e.feature, e.evidence_key, e.subject_key, case.force_code,
             labels[e.feature], e.evidence_on.isoformat(), e.agency_code, e.detail)
            for case in self.cases for e in case.evidence)
        return StatTable(
            name="evidence", title="Evidence trail", columns=columns, rows=rows,
            description="Every item of evidence that arose after its case closed: what, when, "
                        "which agency holds it, and whom it is about (pseudonymous keys).")
