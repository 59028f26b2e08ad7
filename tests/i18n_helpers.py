"""Reading rendered pages the way a user (and a screen reader) sees them, for the i18n/asset tests."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Attributes whose text a user sees or hears.
_TEXT_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-placeholder"}


@dataclass
class Page:
    texts: list[str] = field(default_factory=list)        # visible text and spoken attributes
    links: list[str] = field(default_factory=list)        # <a href>
    assets: list[tuple[str, str]] = field(default_factory=list)  # (tag, src/href) of script/link/img/...
    scripts: list[dict] = field(default_factory=list)     # attributes of every <script>
    inline_handlers: list[str] = field(default_factory=list)  # onclick=... (CSP forbids them)
    styles: list[str] = field(default_factory=list)       # <style> bodies and style="" attributes


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._raw = 0  # inside <script>/<style>
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        for key, value in a.items():
            if key in _TEXT_ATTRIBUTES and value.strip():
                self.page.texts.append(value.strip())
            if key.startswith("on"):
                self.page.inline_handlers.append(f"<{tag} {key}=...>")
            if key == "style":
                self.page.styles.append(value)
        if tag in ("input", "button") and a.get("type") in ("submit", "button", "reset") and a.get("value"):
            self.page.texts.append(a["value"].strip())
        if tag == "a" and a.get("href"):
            self.page.links.append(a["href"])
        for attr in ("src", "href", "srcset", "poster", "data"):
            if tag in ("script", "link", "img", "source", "iframe", "video", "audio", "embed", "object") and a.get(attr):
                self.page.assets.append((tag, a[attr]))
        if tag == "script":
            self.page.scripts.append(a)
        if tag in ("script", "style"):
            self._raw += 1
            self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._raw:
            self._raw -= 1
            self._in_style = False

    def handle_data(self, data):
        if self._raw:
            if self._in_style:
                self.page.styles.append(data)
            return
        if data.strip():
            self.page.texts.append(" ".join(data.split()))


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


_SEARCH_FORM = re.compile(r"new AdminFilters\(\s*'#filter_form',\s*")


def search_form_fields(html: str) -> dict[str, str]:
    """The inputs of FAB's search form, which the page carries as HTML strings in a JSON argument
    of its AdminFilters script (they are drawn when a condition is added): {column: input's html}."""
    match = _SEARCH_FORM.search(html)
    if not match:
        return {}
    decoder = json.JSONDecoder()
    _labels, end = decoder.raw_decode(html, match.end())
    end = html.index(",", end) + 1
    while html[end].isspace():
        end += 1
    fields, _ = decoder.raw_decode(html, end)
    return fields


def is_external(url: str) -> bool:
    """True for anything that would make the browser contact another host."""
    url = url.strip()
    if url.startswith("//"):
        return True
    parts = urlsplit(url)
    return parts.scheme not in ("", "data") or bool(parts.netloc)


_EXTERNAL_CSS = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"]?)\s*(?:https?:)?//""", re.I)


def external_css_refs(css: str) -> list[str]:
    return [m.group(0) for m in _EXTERNAL_CSS.finditer(css)]
