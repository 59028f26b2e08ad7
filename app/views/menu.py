"""Menu categories, so every module files its views under the same names."""
from flask_babel import lazy_gettext as _l

SCHOOL = "Школа"
JOURNAL = "Журнал"
DIARY = "Дневник"
ROLLOUT = "Внедрение"
MONITORING = "Мониторинг"
CATALOGUES = "Справочники"

LABELS = {
    SCHOOL: _l("Школа"),
    JOURNAL: _l("Журнал"),
    DIARY: _l("Дневник"),
    ROLLOUT: _l("Внедрение"),
    MONITORING: _l("Мониторинг"),
    CATALOGUES: _l("Справочники"),
}


def add(appbuilder, view, name, label, category, icon="fa-folder-open-o", shown_when=None):
    """appbuilder.add_view with our category labels; `shown_when()` hides the entry from users it does not fit."""
    appbuilder.add_view(view, name, label=label, icon=icon, category=category, category_label=LABELS[category],
                        menu_cond=shown_when)
