"""Registers every view, one module per domain, in menu order."""


def register_views(appbuilder) -> None:
    from app.views import completion, diary, journal, menu, monitoring, notifications, org, people, rollout, timetable

    for module in (org, people, timetable, journal, completion, diary, notifications, rollout, monitoring):
        module.register(appbuilder)
    # The two imports of a school's people side by side; each module files its own views.
    menu.place_after(appbuilder, menu.SCHOOL, "StaffImport", "PupilImport")
