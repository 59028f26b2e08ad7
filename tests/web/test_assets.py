"""Nothing from outside at runtime: every script, style, font and image comes from the app, and
every page carries our Content-Security-Policy ('self' plus a per-request script nonce)."""
from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import flask_appbuilder
import pytest

from tests.i18n_helpers import external_css_refs, is_external, parse

ROOT = Path(__file__).resolve().parents[2]
FAB_TEMPLATES = Path(flask_appbuilder.__file__).parent / "templates"
FAB_STATIC = Path(flask_appbuilder.__file__).parent / "static"
OUR_TEMPLATES = ROOT / "app" / "templates"
OUR_STATIC = ROOT / "app" / "static"

# Local files that fetch from outside themselves: FAB's Google chart loader and its Bootswatch
# themes (Google Fonts). No page may include them.
FORBIDDEN_ASSETS = ("google_charts.js", "/css/themes/", "fonts.googleapis", "gstatic")
# FAB templates we never render: swagger (FAB_API_SWAGGER_UI = False) and the e-mail body.
FAB_TEMPLATES_UNUSED = {"appbuilder/swagger/swagger.html", "appbuilder/general/security/register_mail.html"}
# URLs that are names, not fetches (XML namespaces inside SVG-building libraries).
NOT_FETCHED = re.compile(r"https?://www\.w3\.org/")
NOT_A_PAGE = ("/logout", "/lang/", "/static/", "/api/", "/back")


def check_page(response, path: str) -> list[str]:
    """Problems of one rendered page: outside URLs, missing nonces, inline handlers, bad CSP."""
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    if directives.get("default-src") != ["'self'"]:
        problems.append(f"{path}: CSP default-src is not 'self': {csp!r}")
    script_src = directives.get("script-src", [])
    nonces = [s[len("'nonce-"):-1] for s in script_src if s.startswith("'nonce-")]
    if "'self'" not in script_src or "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
        problems.append(f"{path}: CSP script-src {script_src}")
    for directive, sources in directives.items():
        outside = [s for s in sources if is_external(s.strip("'")) or s in ("*", "http:", "https:")]
        if outside:
            problems.append(f"{path}: CSP {directive} allows {outside}")
    if not response.mimetype == "text/html":
        return problems
    page = parse(response.get_data(as_text=True))
    for tag, url in page.assets:
        if is_external(url):
            problems.append(f"{path}: <{tag}> from outside: {url}")
        if any(bad in url for bad in FORBIDDEN_ASSETS):
            problems.append(f"{path}: <{tag}> {url} fetches from outside itself")
    for link in page.links:
        if link.startswith("//") or (urlsplit(link).scheme in ("http", "https") and urlsplit(link).netloc != "localhost"):
            problems.append(f"{path}: link to another host: {link}")
    for script in page.scripts:
        if not nonces or script.get("nonce") != nonces[0]:
            problems.append(f"{path}: <script {script.get('src', 'inline')}> without the page's nonce")
    for style in page.styles:
        problems.extend(f"{path}: style fetches from outside: {ref}" for ref in external_css_refs(style))
    problems.extend(f"{path}: inline event handler {h} (CSP blocks it)" for h in page.inline_handlers)
    return problems


def _internal(link: str) -> str | None:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if any(parts.path.startswith(prefix) for prefix in NOT_A_PAGE):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_admin_pages_take_nothing_from_outside(world, as_user):
    """Every menu link, and from each list its add page and first record, as the admin sees them."""
    client = as_user("admin")
    home = client.get("/")
    problems = check_page(home, "/")
    menu = sorted({p for p in map(_internal, parse(home.get_data(as_text=True)).links) if p})
    assert len(menu) > 10, menu
    visited = {"/"}
    queue = list(menu)
    while queue:
        path = queue.pop(0)
        if path in visited:
            continue
        visited.add(path)
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        problems += check_page(response, path)
        if path in menu and path.rstrip("/").endswith("/list"):
            base = path.rstrip("/")[: -len("/list")]
            links = [p for p in map(_internal, parse(response.get_data(as_text=True)).links) if p]
            queue += [p for p in links if p.startswith(base + "/add")][:1]
            queue += [p for p in links if p.startswith(base + "/show/")][:1]
    assert any("/show/" in p for p in visited) and any(p.endswith("/add") for p in visited)
    assert problems == []


def test_login_page_takes_nothing_from_outside(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert check_page(response, "/login/") == []


def test_not_found_page_takes_nothing_from_outside(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert check_page(response, "/no-such-page") == []


def _in_own_thread(call):
    """The test fixture keeps one app context (and so one `g`) for the whole test; a request made in
    a fresh thread gets its own, as each request of a real server does."""
    results = []
    thread = threading.Thread(target=lambda: results.append(call()))
    thread.start()
    thread.join()
    return results[0]


def test_each_response_gets_a_fresh_nonce(client):
    first, second = (_in_own_thread(lambda: client.get("/login/")) for _ in range(2))
    nonce = re.compile(r"'nonce-([^']+)'")
    a, b = (nonce.search(r.headers["Content-Security-Policy"]).group(1) for r in (first, second))
    assert a != b
    assert f'nonce="{a}"' in first.get_data(as_text=True)


# -- the files themselves ----------------------------------------------------------------------

_COMMENTS = [
    re.compile(r"\{#.*?#\}", re.S),     # jinja
    re.compile(r"<!--.*?-->", re.S),    # html
    re.compile(r"/\*.*?\*/", re.S),     # css / js blocks
    re.compile(r"(?m)^\s*//.*$"),       # js line comments on their own line
]
_OUTSIDE = re.compile(r"""(?:https?:)?//[a-z0-9][a-z0-9.-]*\.[a-z]{2,}[^\s"'<>)]*""", re.I)


def outside_refs(text: str) -> list[str]:
    for comment in _COMMENTS:
        text = comment.sub("", text)
    return [m.group(0) for m in _OUTSIDE.finditer(text) if not NOT_FETCHED.match(m.group(0))]


def _files(directory: Path, *suffixes: str):
    return [p for p in sorted(directory.rglob("*")) if p.is_file() and p.suffix in suffixes]


def _fab_templates_we_render() -> list[Path]:
    ours = {p.relative_to(OUR_TEMPLATES).as_posix() for p in _files(OUR_TEMPLATES, ".html")}
    return [p for p in _files(FAB_TEMPLATES, ".html")
            if p.relative_to(FAB_TEMPLATES).as_posix() not in ours | FAB_TEMPLATES_UNUSED]


def test_our_templates_and_static_files_reference_no_outside_host():
    files = _files(OUR_TEMPLATES, ".html") + _files(OUR_STATIC, ".html", ".js", ".css", ".svg")
    assert files
    found = {str(p.relative_to(ROOT)): refs for p in files if (refs := outside_refs(p.read_text(errors="replace")))}
    assert found == {}


def test_fab_templates_we_render_reference_no_outside_host():
    """FAB's own templates, minus those we override (charts, navbar, ...)."""
    found = {}
    for path in _fab_templates_we_render():
        text = path.read_text()
        refs = outside_refs(text) + [bad for bad in FORBIDDEN_ASSETS if bad in text]
        if refs:
            found[path.relative_to(FAB_TEMPLATES).as_posix()] = refs
    assert found == {}


def test_navbar_and_layout_pull_no_chart_loader_or_theme_fonts(client):
    html = client.get("/login/").get_data(as_text=True)
    for bad in FORBIDDEN_ASSETS + ("fonts.g",):
        assert bad not in html
    for template in ("appbuilder/navbar.html", "appbuilder/init.html", "appbuilder/baselayout.html"):
        source = (OUR_TEMPLATES / template).read_text()
        assert "google" not in source.lower() and "app_theme" not in source, template


def test_stylesheets_we_link_fetch_nothing_from_outside(client):
    html = client.get("/login/").get_data(as_text=True)
    sheets = [url for tag, url in parse(html).assets if tag == "link" and url.endswith(".css")]
    assert len(sheets) >= 5
    for url in sheets:
        css = client.get(url).get_data(as_text=True)
        assert css, url
        assert external_css_refs(css) == [], url


@pytest.mark.parametrize("source, expected", [
    ('<script src="https://cdn.example.com/x.js">', ["https://cdn.example.com/x.js"]),
    ("@import url(//fonts.googleapis.com/css?family=Roboto);", ["//fonts.googleapis.com/css?family=Roboto"]),
    ("{# see https://example.com #}<p>ok</p>", []),
    ("  // playground http://code.google.com/apis\nvar a = 1;", []),
    ('createElementNS("http://www.w3.org/2000/svg", "svg")', []),
])
def test_outside_reference_finder(source, expected):
    assert outside_refs(source) == expected


def test_asset_links_follow_the_prefix_the_app_is_mounted_under(client):
    """The layout keeps its asset URLs per script root (app.views.layout): a proxy mounting the app
    under /journal gets prefixed links, the same process unprefixed ones without it."""
    for _ in range(2):
        plain = client.get("/login/").get_data(as_text=True)
        mounted = client.get("/login/", environ_overrides={"SCRIPT_NAME": "/journal"}).get_data(as_text=True)
        assert 'href="/static/css/app.css"' in plain and "/journal/static" not in plain
        assert 'href="/journal/static/css/app.css"' in mounted
        assert re.search(r'<script src="/journal/static/appbuilder/js/ab\.js" nonce="[^"]+"></script>', mounted)
