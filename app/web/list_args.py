"""A list page's page, page size and sorting as the address gives them, checked before FAB reads them.

FAB reads `page_<View>` and `psize_<View>` with a bare int() and passes `_oc_<View>` to the query
as it comes: «abc» or a number past the database's integers (10^20) answered 500, and so did a
column the view does not sort by. Here a page or a size that is not a whole number in range answers
400 with a Russian reason (nothing is written: lists only read); an unknown sort column is left out,
and the list shows in its usual order, as for an old bookmark.
"""
from __future__ import annotations

from flask import request

from app.errors import DomainError
from app.i18n import _

# FAB's page-size links offer 25 to 100 rows; a page number past a million is no one's bookmark,
# and page × size then stays far inside the database's integers.
MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000


def _whole(value: str, low: int, high: int) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= len(str(high)) and low <= int(value) <= high


def check_list_args() -> None:
    """Refuse (DomainError) an address whose page number or page size FAB cannot use. FAB takes
    any argument with «page_» or «psize_» anywhere in its name for one (re.findall), so do we."""
    for name, value in request.args.items(multi=True):
        if "psize_" in name:
            if not _whole(value, 1, MAX_PAGE_SIZE):
                raise DomainError(_("Размер страницы в адресе должен быть целым числом от 1 до %(max)s.",
                                    max=MAX_PAGE_SIZE), code="bad_request")
        elif "page_" in name and not _whole(value, 0, MAX_PAGE):
            raise DomainError(_("Номер страницы в адресе должен быть целым числом от 0 до %(max)s.", max=MAX_PAGE),
                              code="bad_request")


class ListArgs:
    """Mixin for every FAB ModelView of the app (ours and the security pages): its endpoints check
    the page arguments first (the show and edit pages read them too, for their related lists), and
    its lists sort only by the columns they offer."""

    def create_blueprint(self, appbuilder, *args, **kwargs):
        blueprint = super().create_blueprint(appbuilder, *args, **kwargs)
        blueprint.before_request(check_list_args)
        return blueprint

    def _get_list_widget(self, filters, order_column="", order_direction="", **kwargs):
        if order_column not in self.order_columns:
            order_column, order_direction = "", ""
        return super()._get_list_widget(filters, order_column=order_column, order_direction=order_direction,
                                        **kwargs)
