"""Public pages for checking receipts: anyone can paste one and see whether it is genuine.

Why public: a receipt is the reporter's proof that they reported; the people who may need to
check it (an employer, a court, the reporter themselves) have no account, and checking needs
nothing but the service's public keys, which are published here too: the current key and
every key it replaced, so a receipt signed before a rotation still checks.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import PlainTextResponse, Response

from tessera.casework.receipts import Receipt, verify_receipt
from tessera.casework.signing import Keyring
from tessera.errors import CaseworkError
from tessera.web.access import Anyone, casework_of
from tessera.web.forms import error_list
from tessera.web.rendering import render

policy = Anyone()
router = APIRouter(dependencies=[Depends(policy)], include_in_schema=False)


def _keyring(request: Request) -> Keyring:
    signer = casework_of(request).signer
    assert signer is not None  # create_app refuses a store without one
    return signer.keyring


@router.get("/receipts/verify")
def verify_page(request: Request) -> Response:
    """The form to paste a receipt into."""
    return render(request, "receipts/verify.html", {"errors": {}})


@router.post("/receipts/verify")
def verify(request: Request, receipt: Annotated[str, Form()] = "") -> Response:
    """Say whether the pasted receipt was signed by this service and is unchanged since."""
    errors: dict[str, str] = {}
    parsed: Receipt | None = None
    if not receipt.strip():
        errors["receipt"] = "Paste the receipt you were given"
    else:
        try:
            parsed = Receipt.from_json(receipt)
        except CaseworkError as exc:
            errors["receipt"] = f"Paste the whole receipt, from {{ to }}: {exc.message}"
    if parsed is None:
        # Shown back as pasted, but as text a page can hold: a lone surrogate cannot be sent.
        shown = receipt.encode("utf-8", "replace").decode("utf-8")
        return render(request, "receipts/verify.html", {
            "receipt": shown, "errors": errors, "error_list": error_list(errors, ["receipt"])},
            status_code=400)
    valid = verify_receipt(parsed, _keyring(request))
    return render(request, "receipts/verify.html", {
        "receipt": receipt, "errors": {}, "checked": parsed, "valid": valid})


@router.get("/receipts/public-key")
def public_key_page(request: Request) -> Response:
    """The public keys receipts are signed with, to check them without this service."""
    return render(request, "receipts/public_key.html", {"keys": _keyring(request).keys})


@router.get("/receipts/public-key.pem")
def public_key_file(request: Request) -> Response:
    """The same keys as one PEM file, for `tessera receipt verify --public-key` and
    `tessera ledger verify --public-key`."""
    return PlainTextResponse(_keyring(request).pem_bundle(),
                             media_type="application/x-pem-file")
