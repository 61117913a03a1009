"""What the browser tests share: one Chromium per module (Debian's: Playwright cannot download
its own here) and a served casework store with an account of every role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, sync_playwright

from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tests.served import running, settings
from tests.web.accounts import populate_accounts

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, for the module's tests."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def serving_accounts(tmp_path_factory: pytest.TempPathFactory, name: str,
                     *publish: Callable[[Casework], object]) -> Iterator[str]:
    """`tessera serve` on a fresh SQLite casework file with an account of every role and what
    each of `publish` puts in it (written with the service's own signing key, as a command
    run beside the service would); its address."""
    folder = tmp_path_factory.mktemp(name)
    url = f"sqlite:///{folder / 'casework.db'}"
    casework = Casework.open(url, Signer.from_file(folder / "signing.key"))
    populate_accounts(casework)
    for write in publish:
        write(casework)
    casework.close()
    with running(settings(url, folder)) as service:
        yield service.base
