"""`tessera profile`: problem profiles of group-based CSE per police force (issue 13)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from tessera.cli import (
    CaseworkOption,
    OutputOption,
    WarehouseOption,
    app,
    console,
    read_password,
)
from tessera.config import Settings, load_settings

if TYPE_CHECKING:
    from tessera.analysis.profile import Profile


def day_option(value: str | None, option: str) -> datetime | None:
    """The day a --from or --to option gives (None when not given); a clear error if it is
    not a date."""
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise typer.BadParameter(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


DayFromOption = Annotated[str | None, typer.Option("--from", metavar="YYYY-MM-DD", help=(
    "First day of the period (offences by recorded date) \\[default: the earliest "
    "recorded]."))]
DayToOption = Annotated[str | None, typer.Option("--to", metavar="YYYY-MM-DD", help=(
    "Last day of the period \\[default: the latest recorded]."))]


@app.command()
def profile(
    force: Annotated[str | None, typer.Option(help=(
        "The police force (a police_forces code such as west-yorkshire), or 'national' for "
        "England and Wales."))] = None,
    all_forces: Annotated[bool, typer.Option("--all", help=(
        "Every force's profile and the national one."))] = False,
    date_from: DayFromOption = None,
    date_to: DayToOption = None,
    edition: Annotated[Literal["published", "restricted"], typer.Option(help=(
        "published: disclosure controlled, written out and recorded in the force's register; "
        "restricted: every figure, for the force's own analysts (an analyst of that force or "
        "a national analyst), written under OUTPUT/restricted/ and logged in the read log."))]
    = "published",
    user: Annotated[str | None, typer.Option(help=(
        "With --edition restricted: your casework username (the password is asked for)."))]
    = None,
    password_file: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help=(
        "With --edition restricted: read the password from this file instead."))] = None,
    purpose: Annotated[str | None, typer.Option(help=(
        "With --edition restricted: why you are viewing it (kept in the read log)."))] = None,
    pdf: Annotated[bool, typer.Option(help=(
        "Also print each profile to PDF (WeasyPrint, a few seconds a profile)."))] = True,
    warehouse: WarehouseOption = None,
    output: OutputOption = None,
    casework_url: CaseworkOption = None,
) -> None:
    """Problem profiles of group-based child sexual exploitation (HMICFRS 2023, rec. 2).

    For one force (`--force`) or every force and England and Wales (`--all`), over a period
    (`--from`, `--to`): definitions and how cases were found, scale and monthly trend beside
    the national picture, nature, victims, suspects and offenders, partner data, outcomes and
    timeliness, networks and cross-border links, and intelligence gaps, each figure with its
    completeness (docs/profile.md). Writes CSVs, an HTML report and a PDF per profile to
    OUTPUT/profile/FORCE/. Needs a warehouse loaded by `tessera ingest` and linked by
    `tessera link`. Exit status 1 for an unknown force, a bad period or no warehouse.
    """
    if all_forces == (force is not None):
        raise typer.BadParameter("give one of --force CODE or --all")
    start, end = day_option(date_from, "--from"), day_option(date_to, "--to")
    settings = load_settings(warehouse=warehouse, output=output)
    if edition == "restricted":
        if not user or not purpose or all_forces or force is None:
            raise typer.BadParameter("--edition restricted needs --force, --user and "
                                     "--purpose (one force at a time)")
        _profile_restricted(settings, casework_url, force, start, end, user,
                            read_password(password_file), purpose, pdf=pdf)
        return
    if user or purpose or password_file:
        raise typer.BadParameter("--user, --password-file and --purpose are for --edition "
                                 "restricted")
    run_profile_command(settings, None if all_forces else force, start, end, pdf=pdf)


def run_profile_command(settings: Settings, force: str | None, start: datetime | None = None,
                        end: datetime | None = None, *, pdf: bool = True) -> list[Profile]:
    """Published profiles of `force` (None: every force and the nation), written out; the
    profiles as made (every figure), for `tessera demo` to publish for the web app."""
    from tessera.analysis.profile import NATIONAL, force_codes, run_profiles
    from tessera.analysis.profile.service import parse_period
    from tessera.publish.profile_disclosure import (
        default_profile_register,
        national_release_recorded,
        release_beside_published,
        release_profile,
        release_profiles,
    )
    from tessera.publish.profile_report import write_profile
    from tessera.warehouse.engine import Engine
    from tessera.warehouse.profile_releases import record_profile_releases
    from tessera.warehouse.provenance import release_provenance

    started = time.perf_counter()
    everyone = [*force_codes(), NATIONAL]
    with Engine.open(settings.warehouse, read_only=True) as engine, \
            console.status("Running the profile queries and finding network communities"):
        period = parse_period(start.date() if start else None, end.date() if end else None,
                              engine)

        def register(code: str) -> Path:
            return default_profile_register(settings.output, code, period)

        # One force after the whole period was published: protected against all of it.
        beside = force is not None and national_release_recorded(period, register)
        made = run_profiles(engine, everyone if force is None or beside else [force], period)
        profiles = [p for p in made if force is None or p.force_code == force]
        provenance = release_provenance(engine).sentence
    console.print(provenance, highlight=False)
    hidden = 0

    with console.status("Disclosure control (every profile together) and writing the reports"):
        released = (release_profiles(profiles, registers=register) if force is None else
                    [release_beside_published(profiles[0], made, registers=register)] if beside
                    else [release_profile(profiles[0], register=register(profiles[0].force_code))])
        for one, (published, protection) in zip(profiles, released, strict=True):
            hidden += len(protection.suppressed)
            outputs = write_profile(published, settings.output / "profile" / one.force_code,
                                    edition="published", provenance=provenance, pdf=pdf)
            if force is not None:
                console.print(f"Profile of {one.force_label}, {period.label}: "
                              f"{outputs.report}{_and_pdf(outputs.pdf)}; "
                              f"{len(protection.primary)} counts of 1 to 9 and "
                              f"{len(protection.secondary)} more cells shown as [c].",
                              highlight=False, markup=False)
    with Engine.open(settings.warehouse) as engine:  # when each force's profile was refreshed
        record_profile_releases(engine, [p.force_code for p in profiles if p.force_code !=
                                         NATIONAL], period.start, period.end, datetime.now())
    if force is None:
        written = "report.html and report.pdf" if pdf else "report.html"
        console.print(f"{len(profiles)} profiles for {period.label} in "
                      f"{settings.output / 'profile'} ({written} each); "
                      f"{hidden:,} cells shown as [c] in all; "
                      f"{time.perf_counter() - started:.0f} s.", highlight=False, markup=False)
    return profiles


def _profile_restricted(settings: Settings, casework_url: str | None, force: str,
                        start: datetime | None, end: datetime | None, user: str,
                        password: str, purpose: str, *, pdf: bool = True) -> None:
    """Every figure of one force's profile, after the view is logged."""
    from tessera.analysis.profile import run_profiles
    from tessera.analysis.profile.service import parse_period
    from tessera.casework.editions import log_force_restricted_view
    from tessera.casework.signing import Signer
    from tessera.casework.store import Casework
    from tessera.publish.profile_disclosure import restricted_profile
    from tessera.publish.profile_report import write_profile
    from tessera.warehouse.engine import Engine
    from tessera.warehouse.provenance import release_provenance

    with Engine.open(settings.warehouse, read_only=True) as engine:
        period = parse_period(start.date() if start else None, end.date() if end else None,
                              engine)
        (one,) = run_profiles(engine, [force], period)
        provenance = release_provenance(engine).sentence
    casework_settings = load_settings(casework_url=casework_url)
    casework = Casework.open(casework_settings.casework_url,
                             Signer.from_file(casework_settings.signing_key_file))
    try:
        viewer = log_force_restricted_view(casework, user, password, force,
                                           f"profile of {force}, {period.label}, of "
                                           f"{settings.warehouse}", purpose)
    finally:
        casework.close()
    outputs = write_profile(restricted_profile(one),
                            settings.output / "restricted" / "profile" / force,
                            edition="restricted", provenance=provenance, pdf=pdf)
    console.print(f"Restricted edition for {viewer}: every figure, not disclosure controlled; "
                  f"do not publish or copy. This view is in the read log.\n"
                  f"{outputs.report}{_and_pdf(outputs.pdf)}", highlight=False)


def _and_pdf(pdf: Path | None) -> str:
    return f" and {pdf}" if pdf else ""
