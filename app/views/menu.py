"""Menu categories, so every module files its views under the same names."""
from flask_babel import lazy_gettext as _l

from app.text import N_

# A category's name is also an identifier: FAB keeps it as the view-menu of its «menu_access»
# permission in the database. So the name stays the Russian source string and the menu shows
# its translation (LABELS).
SCHOOL = N_("Школа")
JOURNAL = N_("Журнал")
DIARY = N_("Дневник")
ROLLOUT = N_("Внедрение")
MONITORING = N_("Мониторинг")
CATALOGUES = N_("Справочники")

LABELS = {name: _l(name) for name in (SCHOOL, JOURNAL, DIARY, ROLLOUT, MONITORING, CATALOGUES)}


def add(appbuilder, view, name, label, category, icon="fa-folder-open-o", shown_when=None):
    """appbuilder.add_view with our category labels; `shown_when()` hides the entry from users it does not fit."""
    appbuilder.add_view(view, name, label=label, icon=icon, category=category, category_label=LABELS[category],
                        menu_cond=shown_when)
