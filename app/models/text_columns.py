"""Every String/Text column of every mapped model stores text through app.textinput's rule.

Set up once, when SQLAlchemy configures each mapper: a "set" listener on each text attribute
returns the cleaned value or raises TextRefused. So FAB's forms (populate_obj), the REST API
(marshmallow builds the object by setting attributes), the imports and the journal's own objects
all pass through it. Core statements (update().values()) bypass attribute events: code that writes
text with them calls app.textinput.clean_column itself (app.journal.entries does)."""
from __future__ import annotations

from sqlalchemy import event

from app.textinput import clean_text, column_rule, field_label


def watch_text_columns(base) -> None:
    """Clean the text columns of `base` and all its mapped subclasses (call before mapping ends)."""
    event.listen(base, "mapper_configured", _watch_mapper, propagate=True)


def _watch_mapper(mapper, class_) -> None:
    for prop in mapper.column_attrs:
        if prop.parent is not mapper or len(prop.columns) != 1:
            continue
        rule = column_rule(prop.columns[0])
        if rule is not None:
            event.listen(getattr(class_, prop.key), "set", _cleaner(prop.key, rule), retval=True)


def _cleaner(key: str, rule: dict):
    def clean(target, value, oldvalue, initiator):
        return clean_text(value, field=field_label(key), **rule)
    return clean
