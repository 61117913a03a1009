"""One error type per layer, each carrying a message a person can act on.

The CLI turns any `TesseraError` into one line on stderr and its `exit_code`; the web layer
(later) renders it with its `http_status`. Nothing else in the code catches broad exceptions.
"""

from __future__ import annotations


class TesseraError(Exception):
    """Base of every error Tessera reports to a user rather than as a traceback."""

    exit_code: int = 1
    http_status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatasetError(TesseraError):
    """The core dataset definition or a code list is inconsistent (a bug, not bad input)."""


class UnreadableFileError(TesseraError):
    """An input file cannot be read at all: nothing of it is loaded."""

    exit_code = 2
    http_status = 400


class WarehouseError(TesseraError):
    """The warehouse cannot be opened or a batch cannot be committed."""


class AnalysisError(TesseraError):
    """An analysis was asked for something the warehouse cannot answer."""

    http_status = 404


class NothingToScoreError(AnalysisError):
    """The warehouse is missing or holds no delivery to score: like an unreadable input, the
    user must load something first (exit status 2)."""

    exit_code = 2


class LinkageError(TesseraError):
    """Records cannot be linked as asked (no record_id, duplicate ids, a bad threshold)."""

    exit_code = 2
    http_status = 400


class PublicationError(TesseraError):
    """A table cannot be published as asked: a declared relation does not hold, a register
    does not match, or disclosure control found no safe pattern of suppressions."""


class ConfigurationError(TesseraError):
    """Settings are missing or contradictory."""

    exit_code = 2


class CaseworkError(TesseraError):
    """A casework action cannot be done as asked (bad input, a wrong state, a missing key)."""

    http_status = 400


class NotPermitted(CaseworkError):
    """The user's role or area does not allow this action: deny by default."""

    http_status = 403


class NotFound(CaseworkError):
    """No report, user or record has the reference asked for."""

    http_status = 404


class NoSuchReport(NotFound):
    """No report the user may open has this reference: one answer whether there is none or it
    is another area's (or another reporter's), so that neither leaks which references exist.
    """

    def __init__(self, reference: str) -> None:
        super().__init__("there is no report with this reference that you can open; check "
                         "the reference")
        self.reference = reference
        """The reference asked for, as text the read log can store."""


class NoSuchRecord(NotFound):
    """No record of `record_kind` the user may open has this key: one answer whether there is
    none or it is another force's, so that neither leaks which keys exist (as
    `NoSuchReport`); the refused attempt goes to the read log."""

    def __init__(self, record_kind: str, key: str, message: str) -> None:
        super().__init__(message)
        self.record_kind = record_kind
        self.key = key


class TooManyAttempts(CaseworkError):
    """Sign-in refused without checking the password: too many failures for that username
    or from that address. `retry_after` is how many seconds to wait."""

    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class IdempotencyConflict(CaseworkError):
    """An Idempotency-Key was used before with a different report body."""

    http_status = 409


class WebError(TesseraError):
    """A request to the web app cannot be served as it was made (or the service stopped)."""

    http_status = 400


class NotSignedIn(WebError):
    """A page or the API needs a signed-in user (or a Bearer token) and the request has none."""

    http_status = 401


class UnsupportedMediaType(WebError):
    """A request body came in a format the route does not read (the API reads JSON only)."""

    http_status = 415


class FormExpired(WebError):
    """A form came back without the CSRF token of the session that showed it."""

    http_status = 403
