"""Registers every view, one module per domain, in menu order."""


def register_views(appbuilder, after: dict | None = None) -> None:
    """Each module's views in menu order; `after` = {module name: register(appbuilder)} runs right
    after that module's views (the factory adds the diary's API there: see app.create_app)."""
    from app.views import (accounts, completion, diary, homework, journal, menu, monitoring, notifications, org,
                           people, plan, report_cards, rollout, timetable)
    from app.views import accounts_admin

    for module in (org, people, accounts, timetable, journal, report_cards, plan, completion, diary, homework,
                   notifications, rollout, monitoring, accounts_admin):
        module.register(appbuilder)
        (after or {}).get(module.__name__.rsplit(".", 1)[-1], lambda _appbuilder: None)(appbuilder)
    # Parents' absence notices: the last entry of the diary's and the journal's menus.
    from app.views import notices

    notices.register(appbuilder)
    # The two imports of a school's people side by side; each module files its own views.
    menu.place_after(appbuilder, menu.SCHOOL, "StaffImport", "PupilImport")
    # The plan is the teacher's next page after the journal itself.
    menu.place_after(appbuilder, menu.JOURNAL, "ThematicPlans", "Journal")
    # FAB's own views too (users, roles, the login chart) type and show dates the Russian way.
    from app.views.base import russian_forms

    russian_forms(appbuilder)
