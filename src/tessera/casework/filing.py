"""Filing the reports of a process's concurrent requests together, in one transaction.

Why: a report's filing is a few statements, but around them come a transaction, the write
lock (SQLite: one writer at a time, across every worker), a seal of the ledger with a signed
head, and a commit flushed to disk, which cost as much for ten reports as for one. Under load
requests arrive together; here the first to find no filing running files every report queued
so far in one transaction (`reports.submit_reports`), while the others wait on a condition,
and what arrives meanwhile goes in the next. Each request still gets its own answer (its
receipt, or why its report was refused), and is answered only once its report is committed
and chained into the ledger. A request alone files at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from tessera.casework.reports import Submission, Submitted, submit_reports
from tessera.casework.rounds import Rounds
from tessera.casework.store import Casework
from tessera.errors import CaseworkError


class Filer:
    """Files reports for the threads of one process, those that arrive together together."""

    def __init__(self, casework: Casework) -> None:
        self._casework = casework
        self._rounds: Rounds[Submission, Submitted] = Rounds(self._file_together)

    def file(self, submission: Submission) -> Submitted:
        """File one report; its answer once it is committed and chained, or its refusal
        raised as a `CaseworkError`."""
        return self._rounds.run(submission)

    def _file_together(self, submissions: Sequence[Submission]
                       ) -> list[Submitted | CaseworkError]:
        with self._casework.session() as session:
            return submit_reports(session, submissions)
