"""Menu categories, so every module files its views under the same names, and the menu's
rendering for the navbar."""
from flask import render_template, request
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app.security.current import kept
from app.i18n import N_

# A category's name is also an identifier: FAB keeps it as the view-menu of its «menu_access»
# permission in the database. So the name stays the Russian source string and the menu shows
# its translation (LABELS).
SCHOOL = N_("Школа")
JOURNAL = N_("Журнал")
DIARY = N_("Дневник")
ROLLOUT = N_("Внедрение")
MONITORING = N_("Мониторинг")
CATALOGUES = N_("Справочники")
ACCOUNTS = N_("Учётные записи")

LABELS = {name: _l(name) for name in (SCHOOL, JOURNAL, DIARY, ROLLOUT, MONITORING, CATALOGUES, ACCOUNTS)}


def add(appbuilder, view, name, label, category, icon="fa-folder-open-o", shown_when=None):
    """appbuilder.add_view with our category labels; `shown_when()` hides the entry from users it does not fit."""
    appbuilder.add_view(view, name, label=label, icon=icon, category=category, category_label=LABELS[category],
                        menu_cond=shown_when)


def place_after(appbuilder, category: str, name: str, anchor: str) -> None:
    """Move the entry `name` of `category` right after the entry `anchor`: for an entry that belongs
    beside one another module registers later. Both must be registered."""
    entries = appbuilder.menu.find(category).childs
    entry = next(item for item in entries if item.name == name)
    entries.remove(entry)
    entries.insert(next(i for i, item in enumerate(entries) if item.name == anchor) + 1, entry)


def _conditional_items(appbuilder) -> list:
    items = [child for item in appbuilder.menu.get_list() for child in [item, *(item.childs or ())] if child]
    return [item for item in items if item.cond is not None]


def rendered(appbuilder) -> Markup:
    """The menu entries of the navbar for the signed-in user, rendered once per role set (and
    per answer of the entries' `shown_when` conditions) while the reference version holds: every
    entry asks a permission check and a translation, on every page."""
    user = current_user
    if not user.is_authenticated:
        return _render(appbuilder)
    roles = tuple(sorted(role.id for role in appbuilder.sm.get_user_roles(user)))
    shown = tuple(item.should_render() for item in _conditional_items(appbuilder))
    key = (roles, shown, request.script_root, str(get_locale()))
    return kept("menus", key, lambda: _render(appbuilder))


def _render(appbuilder) -> Markup:
    return Markup(render_template("appbuilder/navbar_menu.html", menu=appbuilder.menu))
