"""Monitoring views: registered here as their issue lands."""


def register(appbuilder) -> None:
    pass
