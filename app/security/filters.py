"""FAB filter that applies the scope module to generic views."""
from flask_appbuilder.models.filters import BaseFilter

from app.security.current import current_scope
from app.security.scope import visible


class ScopeFilter(BaseFilter):
    """Keeps only rows the current user may see (app.security.scope.visible)."""

    name = "scope"
    arg_name = None

    def apply(self, query, value):
        return query.filter(visible(current_scope(), self.model))


def scope_base_filters(model, scope_filter: type[ScopeFilter] = ScopeFilter) -> list:
    """`base_filters` for a view of `model`; the column name only satisfies FAB's signature."""
    key = model.__mapper__.primary_key[0].key
    return [[key, scope_filter, lambda: None]]
