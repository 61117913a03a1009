"""Public pages for checking receipts: anyone can paste one and see whether it is genuine.

Why public: a receipt is the reporter's proof that they reported; the people who may need to
check it (an employer, a court, the reporter themselves) have no account, and checking needs
nothing but the service's public key, which is published here too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import PlainTextResponse, Response

from tessera.casework.receipts import Receipt, ReceiptSigner, verify_receipt
from tessera.errors import CaseworkError
from tessera.web.access import Anyone
from tessera.web.forms import error_list
from tessera.web.rendering import render

policy = Anyone()
router = APIRouter(dependencies=[Depends(policy)], include_in_schema=False)


def _signer(request: Request) -> ReceiptSigner:
    signer: ReceiptSigner = request.app.state.signer
    return signer


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
        return render(request, "receipts/verify.html", {
            "receipt": receipt, "errors": errors, "error_list": error_list(errors, ["receipt"])},
            status_code=400)
    valid = verify_receipt(parsed, _signer(request).public_key_pem())
    return render(request, "receipts/verify.html", {
        "receipt": receipt, "errors": {}, "checked": parsed, "valid": valid})


@router.get("/receipts/public-key")
def public_key_page(request: Request) -> Response:
    """The public key receipts are signed with, to check them without this service."""
    signer = _signer(request)
    return render(request, "receipts/public_key.html", {
        "pem": signer.public_key_pem(), "key_id": signer.key_id})


@router.get("/receipts/public-key.pem")
def public_key_file(request: Request) -> Response:
    """The same key as a PEM file, for `tessera receipt verify --public-key`."""
    return PlainTextResponse(_signer(request).public_key_pem(),
                             media_type="application/x-pem-file")
