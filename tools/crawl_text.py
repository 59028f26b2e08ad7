"""Save the text every demo role sees on every page it reaches, to compare two checkouts.

    .venv/bin/python tools/crawl_text.py CHECKOUT OUT_DIR
    diff -r OUT_BEFORE OUT_AFTER

CHECKOUT is a working tree of this repository (its .mo compiled); its own code builds the app, as
the tests do: Alembic migrations on a SQLite file in a temporary directory, the roles, the demo
region, today = 2012-10-19 (APP_TODAY). Each login of DEMO_LOGINS then walks the pages it can
reach from the start page as tests/web/test_crawl.py does (breadth first, 3 clicks, each kind of
page once: the first record of a list, each sorting; GET only, never a link that changes data),
and the visible text of each page (text nodes, spoken attributes, the search form's inputs) is
written to OUT_DIR/<login>/<the URL, %-quoted>, one line per text, after the status and any
redirect. The values of inputs count as text (a date a form shows is read as it is shown). A
download is recorded by its type and file name, not read. Run it as a file, not with -m: the app
is imported from CHECKOUT alone. tests/web/test_russian_formats.py walks the demo the same way
(`walk`) and reads every text for ISO dates and dot-decimal percentages.

Two runs differ only where the pages do: string hashing is fixed (PYTHONHASHSEED=0: FAB creates
permissions in set order), a role's permissions on the role pages are sorted (they come in the
order of their association rows, which differs between two loads of the same code), and the
moments of the run itself (the demo's load, the last login) read «<сейчас>».
"""
from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import html as html_lib
import itertools
import json
import os
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urljoin, urlsplit

TODAY = "2012-10-19"
PASSWORD = "Demo-2613-Journal"
MAX_PAGES = 1000  # the administrator opens about 400 on the demo
MAX_DEPTH = 3
LEAVING = re.compile(r"^/logout/?$|^/lang/")
CHANGING = re.compile(r"/delete\b|/action/|/remove/|/lock\b|/sent\b")
DOWNLOAD_SUFFIXES = (".xlsx", ".pdf", ".csv")
SPOKEN = {"title", "placeholder", "aria-label", "alt", "data-placeholder"}
# Inputs whose value a user reads as typed text (not a button's, a hidden or a checkbox's value).
VALUE_INPUTS = {"text", "search", "email", "tel", "number", "date", "month", "url"}
SEARCH_FORM = re.compile(r"new AdminFilters\(\s*'#filter_form',\s*")
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class _Page(HTMLParser):
    """The texts a user sees or hears, in document order, and the page's links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._raw = 0

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        self.texts += [f"[{key}] {a[key].strip()}" for key in a if key in SPOKEN and a[key].strip()]
        if tag in ("input", "button") and a.get("type") in ("submit", "button", "reset") and a.get("value"):
            self.texts.append(f"[{a['type']}] {a['value'].strip()}")
        if tag == "input" and a.get("type", "text") in VALUE_INPUTS and a.get("value", "").strip():
            self.texts.append(f"[value] {a['value'].strip()}")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        self._raw += tag in ("script", "style")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._raw:
            self._raw -= 1

    def handle_data(self, data):
        if not self._raw and data.strip():
            self.texts.append(" ".join(data.split()))


def _steady(url: str, texts: list[str]) -> list[str]:
    """The run's own moments (written by the demo's load and the logins) as «<сейчас>»; on the role
    pages, a role's permissions («can list on SchoolView, menu access on Schools, …») sorted."""
    today = dt.date.today()
    moment = re.compile(rf"(?:{today:%d\.%m\.%Y}|{today:%Y-%m-%d})(?:[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?")
    texts = [moment.sub("<сейчас>", text) for text in texts]
    if url.startswith("/roles/"):
        texts = [", ".join(sorted(text.split(", "))) if " on " in text else text for text in texts]
    return texts


def read_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    match = SEARCH_FORM.search(html)  # FAB's search inputs, drawn by a script from a JSON argument
    if match:
        decoder = json.JSONDecoder()
        _labels, end = decoder.raw_decode(html, match.end())
        end = html.index(",", end) + 1
        while html[end].isspace():
            end += 1
        fields, _end = decoder.raw_decode(html, end)
        inputs = _Page()
        inputs.feed("".join(fields.values()))
        page.texts += ["[search form]", *inputs.texts]
    return page


def page_key(url: str) -> tuple[str, tuple]:
    """As tests/web/test_crawl.py: a record's number and a query's values do not make a new page,
    except a list's sorting (`_oc_<View>`)."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/#", parts.path)
    pairs = [pair.partition("=") for pair in parts.query.split("&") if pair]
    query = {key if not key.startswith("_oc_") else f"{key}={value}" for key, _eq, value in pairs}
    return path, tuple(sorted(query))


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links(url: str, page: _Page) -> list[str]:
    found = []
    for href in page.links:
        href = html_lib.unescape(href).strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        parts = urlsplit(urljoin("http://localhost" + url, href))
        if parts.netloc in ("", "localhost") and parts.scheme in ("", "http"):
            found.append(local(parts.geturl()))
    return found


def file_name(url: str) -> str:
    name = quote(url, safe="") or "_"
    return name if len(name) <= 200 else name[:180] + "-" + hashlib.sha1(url.encode()).hexdigest()[:12]


def fetch(client, url: str) -> tuple[str, object, list[str]]:
    """GET `url`, following redirects: (final URL, response or None, notes)."""
    notes = []
    for _hop in range(5):
        try:
            response = client.get(url)
        except Exception as error:  # noqa: BLE001 (recorded, the crawl goes on)
            return url, None, notes + [f"raises {type(error).__name__}: {str(error).splitlines()[0]}"]
        if response.status_code not in (301, 302, 303, 307, 308):
            return url, response, notes
        url = local(urljoin("http://localhost" + url, response.headers["Location"]))
        notes.append(f"redirected to {url}")
        if url.startswith("/login"):
            return url, None, notes
    return url, None, notes + ["more than 5 redirects"]


def walk(client, max_pages: int = MAX_PAGES):
    """Open the pages the signed-in client reaches from the start page, breadth first: yield, for
    each, (URL, the lines about it: the request, redirects, status, download; its texts, None for
    a download or a failure; the response, None for a failure)."""
    order = itertools.count()
    queue = [(0, False, next(order), "/")]
    seen, paths, opened = {page_key("/")}, {page_key("/")[0]}, 0
    while queue and opened < max_pages:
        depth, _known, _n, url = heapq.heappop(queue)
        opened += 1
        final, response, notes = fetch(client, url)
        lines = [f"GET {url}", *notes]
        page = None
        if response is not None:
            lines.append(f"status {response.status_code} {response.mimetype}")
            is_file = PurePosixPath(urlsplit(final).path).suffix in DOWNLOAD_SUFFIXES
            if response.mimetype != "text/html" or is_file:
                lines.append(f"download {response.headers.get('Content-Disposition', '')}")
            else:
                page = read_page(response.get_data(as_text=True))
        yield url, lines, page.texts if page is not None else None, response
        if page is None or response.status_code != 200:
            continue
        for link in links(final, page):
            path = urlsplit(link).path
            key = page_key(link)
            if depth < MAX_DEPTH and key not in seen and not LEAVING.search(path) and not CHANGING.search(path):
                seen.add(key)
                heapq.heappush(queue, (depth + 1, key[0] in paths, next(order), link))
                paths.add(key[0])


def crawl(client, out: Path) -> int:
    opened = 0
    for url, lines, texts, _response in walk(client):
        opened += 1
        if texts is not None:
            lines += ["", *_steady(url, texts)]
        (out / file_name(url)).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return opened


def login(client, username: str, password: str = PASSWORD) -> bool:
    client.get("/logout/")
    token = CSRF.search(client.get("/login/").get_data(as_text=True)).group(1)
    response = client.post("/login/", data={"username": username, "password": password, "csrf_token": token})
    return response.status_code in (302, 303) and "/login" not in response.headers.get("Location", "")


def main(checkout: Path, out: Path) -> None:
    os.environ["APP_TODAY"] = TODAY
    os.chdir(checkout)
    sys.path.insert(0, str(checkout))
    from flask import g
    from flask_migrate import upgrade

    from app import create_app
    from app.demo import load_demo
    from app.extensions import db
    from app.security.roles import DEMO_LOGINS, sync_roles

    import app as package
    assert Path(package.__file__).resolve().is_relative_to(checkout), package.__file__
    with tempfile.TemporaryDirectory() as temp:
        flask_app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{temp}/demo.sqlite",
                                "TODAY": dt.date.fromisoformat(TODAY)})
        # As the tests' app: `g` is emptied before each request of the one open app context.
        flask_app.url_value_preprocessors.setdefault(None, []).insert(0, lambda *_: g.__dict__.clear())
        with flask_app.app_context():
            upgrade()
            sync_roles(flask_app.appbuilder)
            load_demo(db.session, flask_app.appbuilder.sm, password=PASSWORD)
            client = flask_app.test_client()
            for username in DEMO_LOGINS:
                folder = out / username
                folder.mkdir(parents=True, exist_ok=True)
                if not login(client, username):
                    (folder / "LOGIN-REFUSED").write_text("", encoding="utf-8")
                    continue
                print(username, crawl(client, folder), flush=True)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())
