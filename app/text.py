"""Marking user-facing strings in domain modules (no Flask there): the catalogue picks up N_("...")
and the view translates the value where it is shown with gettext."""


def N_(message: str) -> str:
    return message
