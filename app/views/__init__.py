"""Registers every view, one module per domain, in menu order."""


def register_views(appbuilder) -> None:
    from app.views import completion, diary, journal, monitoring, notifications, org, people, rollout, timetable

    for module in (org, people, timetable, journal, completion, diary, notifications, rollout, monitoring):
        module.register(appbuilder)
