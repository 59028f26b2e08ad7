"""Personal data (152-ФЗ): region roles never see pupils' names or birth dates; card openings logged."""
from __future__ import annotations

import logging
import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest

from tests.security_helpers import add_vendor_and_extras, client_for, model_apis, our_model_views

MAX_PAGES = 150
SKIP = ("/logout", "/lang/", "/static/", "/login")


def _personal_markers(world) -> list[str]:
    pupils = [world.pupil_a, world.sibling_a, world.pupil_a_other, world.pupil_b]
    markers = {p.last_name for p in pupils}
    for p in pupils:
        markers.add(p.birth_date.isoformat())
        markers.add(p.birth_date.strftime("%d.%m.%Y"))
    return sorted(markers)


def readable_text(response) -> str:
    """The text a person would read: cells of an xlsx download, the decoded body otherwise."""
    if "spreadsheetml" in response.content_type:
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
        return "\n".join(str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for value in row if value is not None)
    return response.get_data().decode("utf-8", errors="replace")


def crawl(client, seeds):
    """Every same-site page reachable from the seeds by links (GET), bounded."""
    seen, queue, pages = set(), deque(seeds), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        path = urlparse(url).path
        if url in seen or path.startswith(SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        pages[url] = (response.status_code, readable_text(response))
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for href in re.findall(r'href="([^"#]+)"', pages[url][1]):
            absolute = urljoin("http://localhost" + path, href.replace("&amp;", "&"))
            parsed = urlparse(absolute)
            if parsed.netloc == "localhost" and parsed.scheme == "http":
                queue.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return pages


@pytest.mark.parametrize("username", ["ministry", "monitor", "methodist"])
def test_region_roles_never_see_pupil_names_or_birth_dates(app, session, world, username):
    add_vendor_and_extras(session, app.appbuilder.sm, world)
    markers = _personal_markers(world)
    client = client_for(app, username)
    seeds = ["/"]
    # also every list, show and export URL of every view and API, whether linked or not
    for view in our_model_views(app.appbuilder):
        seeds.append(f"{view.route_base}/list/")
        seeds += [f"{view.route_base}/show/{pk}" for pk in range(1, 6)]
    for api in model_apis(app.appbuilder):
        seeds.append(f"/api/{api.version}/{api.resource_name}/")
        seeds += [f"/api/{api.version}/{api.resource_name}/{pk}" for pk in range(1, 6)]
    for view in app.appbuilder.baseviews:
        for rule, model, *_ in getattr(view, "scope_routes", None) or ():
            seeds += [re.sub(r"<[^<>]+>", str(pk), (view.route_base or "") + rule) for pk in range(1, 6)]
    pages = crawl(client, seeds)
    assert len(pages) > 10
    leaks = [f"{url}: {marker}" for url, (status, body) in pages.items() for marker in markers if marker in body]
    assert not leaks, f"{username} sees personal data:\n" + "\n".join(leaks)
    assert not [url for url, (status, _) in pages.items() if status >= 500], "server errors while crawling"


def test_opening_a_pupil_card_is_logged(app, world, as_user, caplog):
    client = as_user("secretary")
    with caplog.at_level(logging.INFO, logger="journal.audit"):
        assert client.get(f"/pupilview/show/{world.pupil_a.id}").status_code == 200
        assert client.get(f"/pupilview/edit/{world.pupil_a.id}").status_code == 200
        assert client.get("/pupilview/list/").status_code == 200  # a list is not a card
        assert client.get(f"/pupilview/show/{world.pupil_b.id}").status_code == 404  # not opened
    records = [r.getMessage() for r in caplog.records if r.name == "journal.audit"]
    assert len(records) == 2, records
    assert all(f"pupil={world.pupil_a.id}" in r and "user=secretary" in r for r in records)
    assert f"user_id={world.users['secretary'].id}" in records[0]
