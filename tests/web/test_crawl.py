"""Every role walks the pages it can reach from the start page, as a user clicking links would
(breadth first, 3 clicks deep, every kind of page once: the first record of a list, each sorting
of it), and every page must be a finished Russian page. A page:

- opens: 200, no 403/404/500 (a view's exception is caught and reported), no bounce to the login
  page, no error flashed after a redirect;
- shows no «None», «__None», «<… object at 0x…>», traceback, «undefined», «NaN» or Python list in
  its text or spoken attributes (scripts are not read, except the search form's inputs, which a
  script draws);
- has no English text of Flask-AppBuilder and no other Latin-only text but e-mails, logins, file
  names and a few abbreviations;
- has a Russian <title> and a Russian heading (<h1>, or FAB's panel title);
- has no drop-down of more than MAX_OPTIONS options;
- links to no change (FAB's GET /delete/, /action/): those are reported, never followed.
A download is not read, but must be the kind of file its link and its file name promise.

Each role is one test, which reports all of that role's defects at once, with the URL, the page
that linked to it and the text; the pages opened per role are printed at the end of the run."""
from __future__ import annotations

import datetime as dt
import heapq
import html as html_lib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

from app.models import Consultation, Training
from app.security import roles as R
from tests.diary_helpers import build_diary_week
from tests.i18n_helpers import parse, search_form_fields
from tests.messages_helpers import build_messages
from tests.rollout_helpers import make_campaign, make_plan, make_readiness, make_snapshot
from tests.security_helpers import add_vendor_and_extras
from tests.web.conftest import CRAWL_STATS
from tests.web.test_i18n import CYRILLIC, english_fab_texts, english_leftovers  # noqa: F401 (a fixture)

MAX_PAGES = 300   # per user; the administrator opens about 260
MAX_DEPTH = 3     # clicks from the start page
MAX_OPTIONS = 2000
TODAY = dt.date(2012, 9, 19)  # inside the diary week of tests.diary_helpers

# Links that end the visit or switch the language: not followed.
LEAVING = re.compile(r"^/logout/?$|^/lang/")
# Links that would change something. FAB's GET /delete/<pk> and /action/<name>/<pk> refuse to act
# while CSRF is on (its lists draw delete as a button that POSTs), so such a link is a defect: it
# is reported, never followed.
CHANGING = re.compile(r"/delete\b|/action/|/remove/|/lock\b|/sent\b")
# What a download may be, by the extension of its link or of the file it is saved as.
DOWNLOADS = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".csv": "text/csv",
}

# Shown to a user: these words never belong on a page, nor a Python list «[a, b]».
JUNK = re.compile(r"\bNone\b|__None|object at 0x|Traceback|\bundefined\b|\bNaN\b|^\[.*\]$")
# Latin texts that are not untranslated labels; short on purpose (users' logins and names come
# from the world). Abbreviations a Russian interface writes as they are, standing alone.
LATIN_ALLOWED = re.compile(
    r"""^(?:
        [\w.+-]+@[\w-]+(?:\.[\w-]+)+          # an e-mail
      | [\w .()-]+\.(?:xlsx|pdf|csv|docx?)    # a file name
      | ID | API | JSON | PDF | XLSX | xlsx | CSV
    )$""", re.X)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# The security pages list FAB's permission and view-menu names (can_list, SchoolView, «menu access
# on Schools»): identifiers kept in the database that name code, as a login names a person. Their
# table cells and the role form's options are not read for words; the rest of them is.
IDENTIFIER_PAGES = re.compile(r"^/(?:permissions|viewmenus|permissionviews|roles)/")
IDENTIFIER_CELLS = re.compile(r"<td\b[^>]*>.*?</td>|<option\b[^>]*>.*?</option>", re.S | re.I)
TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)
# A page's own heading: its <h1>, or on FAB's pages the panel's title.
HEADING_RE = re.compile(r"<h1\b[^>]*>(.*?)</h1>|<h4 class=\"panel-title\">(.*?)</h4>", re.S | re.I)
TAG_RE = re.compile(r"<[^>]+>")
SELECT_RE = re.compile(r"<select\b.*?</select>", re.S | re.I)
# A flashed error: a link that ends in one («Доступ запрещён», «Запись не найдена») is broken.
ERROR_FLASH_RE = re.compile(r'<div class="alert alert-(?:danger|error)">(.*?)</div>', re.S)


@dataclass
class Visit:
    url: str
    depth: int
    source: str = ""  # the page whose link led here


@dataclass
class Crawl:
    user: str
    visited: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    left: int = 0  # links found but not opened (the page budget ran out)

    def defect(self, visit: Visit, what: str, url: str | None = None) -> None:
        source = f" (linked from {visit.source})" if visit.source else ""
        line = f"{self.user} {url or visit.url}{source}: {what}"
        if line not in self.defects:
            self.defects.append(line)


def _crawl_world(session, sm, world):
    """The world of tests.factories with a diary week, a vendor login, a holiday, a material, the
    2012 campaign with a plan, readiness and a month's snapshot, a consultation and a training, and
    message threads, so that every list a role opens has a record to open."""
    build_diary_week(session, world)
    build_messages(session, world)
    add_vendor_and_extras(session, sm, world)
    campaign = make_campaign(session)
    make_plan(session, campaign, world.municipality_a, approved_on=dt.date(2012, 6, 28),
              appointed_on=dt.date(2012, 6, 28), targets=[(dt.date(2012, 9, 1), "75")])
    make_readiness(session, campaign, world.school_a, on=dt.date(2012, 7, 20))
    make_snapshot(session, world.school_a, dt.date(2012, 9, 1))
    session.add(Consultation(municipality_id=world.municipality_a.id, school_id=world.school_a.id,
                             topic="Вход в дневник", question="Родители не могут войти.", status="new",
                             asked_by_id=world.users["director"].id, asked_on=dt.date(2012, 9, 12)))
    session.add(Training(municipality_id=world.municipality_a.id, held_on=dt.date(2012, 8, 24),
                         topic="Семинар для учителей", participants=25,
                         methodist_id=world.users["methodist"].id))
    session.commit()
    return world


def _page_key(url: str) -> tuple[str, tuple]:
    """Pages that differ only in a record's number or a query's values count as one: the crawl opens
    the first record of each kind, one page of a list's pages, one other week of the diary. A list's
    sorting is the exception: each column a user can sort by is clicked once (FAB's `_oc_<View>`)."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/#", parts.path)
    query = {key if not key.startswith("_oc_") else f"{key}={value}"
             for key, value in parse_qsl(parts.query, keep_blank_values=True)}
    return path, tuple(sorted(query))


def _links(base: str, html: str) -> list[str]:
    found = []
    for href in parse(html).links:
        href = html_lib.unescape(href).strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.netloc in ("", "localhost") and parts.scheme in ("", "http"):
            found.append(_local(url))
    return found


def _text(fragment: str) -> str:
    return " ".join(html_lib.unescape(TAG_RE.sub(" ", fragment)).split())


def _check_page(crawl: Crawl, visit: Visit, html: str, english: set[str], allowed_latin: set[str]) -> None:
    # The search form's inputs are drawn from a script when a condition is added: read them too.
    shown = html + "".join(search_form_fields(html).values())
    if IDENTIFIER_PAGES.match(visit.url):
        shown = IDENTIFIER_CELLS.sub("<td></td>", shown)
    texts = parse(shown).texts
    for text in english_leftovers(shown, english):
        crawl.defect(visit, f"English FAB text {text!r}")
    for text in texts:
        if JUNK.search(text):
            crawl.defect(visit, f"shows {text!r}")
        elif (LATIN_WORD.search(text) and not CYRILLIC.search(text) and not LATIN_ALLOWED.match(text)
              and text not in allowed_latin and text.rstrip(":").strip() not in english):
            crawl.defect(visit, f"untranslated text {text!r}")
    for message in ERROR_FLASH_RE.findall(html):
        crawl.defect(visit, f"ends in an error message: {_text(message).lstrip('×').strip()!r}")
    title = _text(" ".join(TITLE_RE.findall(html)))
    if not CYRILLIC.search(title):
        crawl.defect(visit, f"no Russian <title>: {title!r}")
    headings = [_text(h1 or panel) for h1, panel in HEADING_RE.findall(html)]
    if not any(CYRILLIC.search(heading) for heading in headings):
        crawl.defect(visit, f"no Russian heading (<h1> or the panel's title): {headings!r}")
    for select in SELECT_RE.findall(shown):
        if select.count("<option") > MAX_OPTIONS:
            crawl.defect(visit, f"a drop-down of {select.count('<option')} options: {_text(select)[:80]!r}")


def _check_download(crawl: Crawl, visit: Visit, url: str, response) -> None:
    """A file is not read, but it must be the kind its link and its file name promise."""
    names = [urlsplit(url).path, response.headers.get("Content-Disposition", "").rstrip('"')]
    for name in names:
        promised = DOWNLOADS.get(PurePosixPath(name).suffix.lower())
        if promised and response.mimetype != promised:
            crawl.defect(visit, f"{name!r} comes as {response.mimetype}, not {promised}", url)
    if response.mimetype not in DOWNLOADS.values():
        crawl.defect(visit, f"a download of an unexpected kind: {response.mimetype}", url)


def _local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _open(crawl: Crawl, client, visit: Visit):
    """GET the page, following the app's redirects as a browser would: (final URL, response), or
    (URL, None) when the view raised (a 500 in production; the test app propagates it) or sent the
    signed-in user to the login page."""
    url = visit.url
    for _hop in range(5):
        try:
            response = client.get(url)
        except Exception as error:  # noqa: BLE001 (every failure is a defect to report, not a stop)
            crawl.defect(visit, f"raises {type(error).__name__}: {str(error).splitlines()[0]}", url)
            return url, None
        if response.status_code not in (301, 302, 303, 307, 308):
            return url, response
        target = _local(urljoin("http://localhost" + url, response.headers["Location"]))
        if target.startswith("/login"):
            crawl.defect(visit, f"sends the signed-in user to the login page ({target})", url)
            return url, None
        url = target
    crawl.defect(visit, "redirects more than 5 times", url)
    return url, None


def crawl_as(client, user: str, english: set[str], allowed_latin: set[str]) -> Crawl:
    crawl = Crawl(user)
    # Breadth first; at each depth, pages of a new kind before other sortings and pages of a kind
    # already queued, so that a role's every page gets opened before the budget runs out.
    order = itertools.count()
    queue = [(0, False, next(order), Visit("/", 0))]
    seen, paths = {_page_key("/")}, {_page_key("/")[0]}
    while queue and len(crawl.visited) < MAX_PAGES:
        *_, visit = heapq.heappop(queue)
        crawl.visited.append(visit.url)
        url, response = _open(crawl, client, visit)
        if response is None:
            continue
        if response.status_code != 200:
            crawl.defect(visit, f"answers {response.status_code}", url)
            continue
        if response.mimetype != "text/html" or PurePosixPath(urlsplit(url).path).suffix in DOWNLOADS:
            _check_download(crawl, visit, url, response)
            continue
        html = response.get_data(as_text=True)
        page = Visit(url, visit.depth, visit.source)
        _check_page(crawl, page, html, english, allowed_latin)
        for link in _links("http://localhost" + url, html):
            path = urlsplit(link).path
            if CHANGING.search(path):
                crawl.defect(page, f"a link changes something: {link}")
                continue
            key = _page_key(link)
            if visit.depth < MAX_DEPTH and key not in seen and not LEAVING.search(path):
                seen.add(key)
                heapq.heappush(queue, (visit.depth + 1, key[0] in paths, next(order), Visit(link, visit.depth + 1, url)))
                paths.add(key[0])
    crawl.left = len(queue)
    return crawl


@pytest.mark.parametrize("user", list(R.DEMO_LOGINS))  # one login per role, as in the world
def test_every_page_a_role_reaches_is_a_finished_russian_page(app, session, world, as_user, english_fab_texts, user):
    app.config["TODAY"] = TODAY
    _crawl_world(session, app.appbuilder.sm, world)
    assert set(world.users) == set(R.DEMO_LOGINS)
    # The users' own names are Latin in the test world (first name = login, capitalised).
    allowed_latin = {name.capitalize() for name in world.users} | set(world.users)
    crawl = crawl_as(as_user(user), user, english_fab_texts, allowed_latin)
    CRAWL_STATS[user] = len(crawl.visited)
    assert crawl.left == 0, f"{crawl.left} links left unopened after {MAX_PAGES} pages: raise MAX_PAGES"
    assert crawl.defects == [], "\n".join(crawl.defects)
