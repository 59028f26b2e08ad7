"""What every page's layout calls: the stylesheet and script tags, whose URLs are built once per
script root (the prefix a proxy may mount the app under) instead of with two dozen url_for calls
a page, the navbar's menu entries (app.views.menu.rendered), the templates' gettext bound to
the request's catalogue once per page, and how values print the Russian way (app.formats): dates
and moments through `{{ value }}` itself, and the filters `date`, `moment`, `month`, `decimal`,
`percent` and `share`."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask import current_app, request, url_for
from flask_babel import get_translations, gettext
from jinja2 import pass_context
from markupsafe import Markup, escape

from app import formats
from app.http import csp_nonce
from app.views import menu
from app.web import form_fields

STYLESHEETS = (
    ("appbuilder.static", "css/bootstrap.min.css"),
    ("appbuilder.static", "css/fontawesome/fontawesome.min.css"),
    ("appbuilder.static", "css/fontawesome/regular.min.css"),
    ("appbuilder.static", "css/fontawesome/solid.min.css"),
    ("appbuilder.static", "css/fontawesome/brands.min.css"),
    ("appbuilder.static", "css/fontawesome/v4-shims.min.css"),
    ("appbuilder.static", "css/bootstrap-datepicker/bootstrap-datepicker3.min.css"),
    ("appbuilder.static", "css/select2/select2.min.css"),
    ("appbuilder.static", "css/select2/select2-bootstrap.min.css"),
    ("appbuilder.static", "css/ab.css"),
    ("static", "css/app.css"),
)
HEAD_SCRIPTS = (
    ("appbuilder.static", "js/jquery-latest.js"),
    ("appbuilder.static", "js/ab_filters.js"),
    ("appbuilder.static", "js/ab_actions.js"),
)
TAIL_SCRIPTS = (
    ("appbuilder.static", "js/bootstrap.min.js"),
    ("appbuilder.static", "js/bootstrap-datepicker/bootstrap-datepicker.min.js"),
    ("appbuilder.static", "js/select2/select2.min.js"),
    ("static", "js/locale-ru.js"),
    ("appbuilder.static", "js/ab.js"),
)


@lru_cache(maxsize=64)
def _urls(assets: tuple[tuple[str, str], ...], script_root: str) -> tuple[str, ...]:
    return tuple(str(escape(url_for(endpoint, filename=filename))) for endpoint, filename in assets)


def stylesheets() -> Markup:
    return Markup("\n".join(f'<link href="{url}" rel="stylesheet">' for url in _urls(STYLESHEETS, request.script_root)))


def scripts(assets: tuple[tuple[str, str], ...]) -> Markup:
    """Script tags with this response's CSP nonce."""
    nonce = escape(csp_nonce())
    return Markup("\n".join(f'<script src="{url}" nonce="{nonce}"></script>'
                            for url in _urls(assets, request.script_root)))


def _template_gettext(translate):
    """Jinja's new-style gettext (jinja2.ext) over one catalogue: the result is escaped when
    autoescaping is on and always formatted with the keyword arguments."""
    @pass_context
    def gettext(context, string, **variables):
        text = translate(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables
    return gettext


def _template_ngettext(translate):
    @pass_context
    def ngettext(context, singular, plural, number, **variables):
        variables.setdefault("num", number)
        text = translate(singular, plural, number)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables
    return ngettext


def request_translations() -> dict:
    """`gettext` and `ngettext` for the page being rendered (`_()` calls `gettext`), bound to the
    request's catalogue. Flask-Babel's own look the catalogue up again on every call, two dozen
    times a page: nearly a tenth of the diary week's time."""
    translations = get_translations()
    return {"gettext": _template_gettext(translations.ugettext),
            "ngettext": _template_ngettext(translations.ungettext)}


# What most printed values are: printed as they are, at the cost of one look-up.
_AS_THEY_ARE = frozenset({str, int, Markup})


def shown(value):
    """What `{{ value }}` prints for values Python would show as code. FAB's lists and record pages
    print a field as `{{ item[column] }}`, which showed an empty school or date as «None», a yes/no
    field as «True»/«False», a to-many relation as «[СОШ № 1, СОШ № 2]» and a date as 2001-08-14:
    None prints nothing, a bool «да»/«нет», a list its items' names separated by commas, a date
    19.10.2012 and a moment 19.10.2012 13:30 as kept, in the region's time (app.formats.shown; a
    technical moment kept in UTC is formatted by its page with app.formats.format_moment). A number prints
    as it is: it may be data for a script (data-share="85.7"); where a page shows one, it writes it
    with the comma (the `decimal` filter; FAB's lists by ScopedModelView's column formatters)."""
    if type(value) in _AS_THEY_ARE:
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return formats.shown(value)
    if value is True or value is False:
        return gettext("да") if value else gettext("нет")
    if isinstance(value, list):
        return ", ".join(str(shown(item)) for item in value)
    return value


FILTERS = {
    "date": formats.format_date,  # 19.10.2012
    "moment": formats.format_region_moment,  # 19.10.2012 13:30, as kept: the region's time
    "month": formats.format_month,  # октябрь 2012
    "decimal": formats.format_decimal,  # 4,25; |decimal(1) 75,6; |decimal(None, trim=True) 1,5
    "percent": formats.format_percent,  # a computed percentage: 66,7 (|percent(sign=True) 66,7%)
    "share": formats.format_share,  # a typed or planned one: 75%, 90,5%
}


def render_unfinalized(name: str, **context) -> Markup:
    """`name` rendered without `shown` on every printed value: for a template that prints only text
    and numbers, never None, a bool or a list. Jinja calls the environment's `finalize` for each
    value printed, and the journal grid's rows print thousands (bench: the journal grid, where the
    call cost a tenth of the page). The environment is the app's own, overlaid once per app with a
    cache of its own (an overlay's copied cache would hand back templates compiled with finalize)."""
    app = current_app
    environment = app.extensions.get("unfinalized_templates")
    if environment is None:
        environment = app.extensions["unfinalized_templates"] = app.jinja_env.overlay(finalize=None, cache_size=50)
    context.update(request_translations())
    return Markup(environment.get_template(name).render(context))


def install(app) -> None:
    app.jinja_env.finalize = shown
    app.jinja_env.filters.update(FILTERS)
    app.context_processor(request_translations)
    app.jinja_env.globals.update(stylesheets=stylesheets, head_scripts=lambda: scripts(HEAD_SCRIPTS),
                                 tail_scripts=lambda: scripts(TAIL_SCRIPTS), navbar_menu=menu.rendered,
                                 date_input=form_fields.date_input)
