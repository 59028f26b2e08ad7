"""The translation entry points for domain code, which has no Flask imports (STYLE.md).

    from app.i18n import _, _l, N_

* `_("Учитель %(name)s уже ведёт урок", name=...)` translates now: in a request, into the
  request's locale; outside an app context (CLI, unit tests) Flask-Babel uses NullTranslations,
  so the Russian msgid itself comes back, %-formatted with the named placeholders.
* `_l("...")` translates when the value is rendered (str(), Jinja, JSON): for module-level
  labels and messages built before a request exists.
* `N_("...")` only marks the string for the catalogue and returns it unchanged: for a constant
  that is also data (a code matched against a file); show it with `_(value)` where it is shown.

Source strings are Russian; `make messages` extracts all three (babel's default keywords include
`_` and `N_`, tools/i18n.py adds `_l`). Never put an f-string inside `_()`: the msgid must be a
literal, the values go in as named placeholders.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

__all__ = ["_", "_l", "N_"]


def N_(message: str) -> str:
    return message
