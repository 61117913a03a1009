"""The tracker's pages over a real casework store (both backends): the public page, the ODS
release, and an administrator recording a status, with GOV.UK errors naming the field."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from tests.web.conftest import Site

RECOMMENDATION = "HMICFRS23-05"


def test_the_public_page_lists_every_recommendation_with_status_and_evidence(
        site: Site) -> None:
    client, _ = site.client(None)
    page = client.get("/tracker")
    assert page.status_code == 200
    assert len(re.findall(r'class="govuk-summary-card" id="', page.text)) == 41
    overdue = page.text.count(">\n  Overdue\n") or page.text.count(">Overdue<")
    assert f"41 recommendations; {overdue} overdue." in page.text and overdue >= 5
    assert "Record a status" not in page.text  # only administrators see the link
    problem_profiles = page.text.split('id="indicator-problem_profiles"')[1]
    assert "Not published yet" in problem_profiles.split('id="indicator-')[0]
    reviews = page.text.split('id="indicator-closed_case_reviews"')[1].split('id="indicator-')[0]
    assert "Review requests received, by month" in reviews  # live: the site holds one request
    assert "[c]" in reviews and "No indicator yet" not in reviews
    assert "Mandatory reports filed and routed, by month" in page.text  # live, from casework


def test_the_release_is_an_ods_workbook(site: Site) -> None:
    response = site.client(None)[0].get("/tracker/tracker.ods")
    assert response.headers["content-type"] == "application/vnd.oasis.opendocument.spreadsheet"
    content = zipfile.ZipFile(BytesIO(response.content)).read("content.xml").decode()
    assert "IICSA-13" in content and "Mandatory reporting" in content


def test_an_administrator_records_a_status_and_the_page_shows_it(site: Site) -> None:
    client, token = site.client("administrator")
    form = client.get(f"/tracker/{RECOMMENDATION}/status")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    response = client.post(f"/tracker/{RECOMMENDATION}/status", data={
        "csrf_token": token, "state": "complete", "status_date-day": "1",
        "status_date-month": "5", "status_date-year": "2026",
        "status_text": "ADR149 collection stopped.", "source": "Home Office circular, May 2026"},
        follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (
        303, f"/tracker#{RECOMMENDATION}")
    card = client.get("/tracker").text.split(f'id="{RECOMMENDATION}"')[1].split(
        'class="govuk-summary-card"')[0]
    assert "ADR149 collection stopped." in card and "Overdue" not in card
    assert "recorded by an administrator" in card


def test_a_status_with_mistakes_is_shown_again_naming_each_field(site: Site) -> None:
    client, token = site.client("administrator")
    response = client.post(f"/tracker/{RECOMMENDATION}/status", data={
        "csrf_token": token, "status_date-day": "1", "status_date-month": "May",
        "status_text": "Stopped."})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    for anchor in ("#state", "#status_date-day", "#source"):
        assert f'href="{anchor}"' in response.text
    assert "as a real date" in response.text and 'value="Stopped."' not in response.text
    assert "Stopped." in response.text  # the answer given is kept


def test_an_unknown_recommendation_is_a_404_page(site: Site) -> None:
    client, _ = site.client("administrator")
    assert client.get("/tracker/IICSA-99/status").status_code == 404
