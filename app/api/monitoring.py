"""Usage snapshots through the API: a vendor's system submits its schools' monthly figures.

A vendor account (role «Поставщик системы», UserScope.journal_system_id) reads and writes only
snapshots of schools whose chosen system is its own. Each accepted POST is recorded as an
ImportBatch (source «api») with who and when; the verdict is always computed here."""
from __future__ import annotations


from flask import g
from flask_babel import gettext as _
from marshmallow.validate import Range
from sqlalchemy import select

from app import clock
from app.api.base import API_EDIT, API_READ, ScopedModelRestApi
from app.security.current import current_scope
from app.errors import DomainError
from app.models import ImportBatch, JournalSystem, School, UsageSnapshot
from app.monitoring import registry
from app.monitoring.imports import MAX_COUNT
from app.monitoring.thresholds import current_threshold, uses_system
from app.security import roles as R
from app.security.scope import WRITABLE, is_visible
from app.i18n import N_
from app.web.data import ScopeRefused, ScopedInterface

WRITE = API_READ + ("can_post", "can_put")
INDICATORS = registry.table_order()
SHOWN = ["id", "school.id", "school.short_name", "month", "source", *INDICATORS, "uses_system", "computed_at"]


def descriptions() -> dict[str, str]:
    """The fields' descriptions (N_ strings): the month, and each indicator the registry describes."""
    return {"month": N_("Первое число месяца, ГГГГ-ММ-01")} | {
        i.code: i.description for i in registry.INDICATORS if i.description}


class UsageSnapshotApi(ScopedModelRestApi):
    resource_name = "usage_snapshot"
    datamodel = ScopedInterface(UsageSnapshot)
    role_access = {R.VENDOR: WRITE, R.MONITORING: API_EDIT, R.MINISTRY: API_READ, R.MUNICIPAL: API_READ}
    list_columns = show_columns = SHOWN
    add_columns = ["school", "month", *INDICATORS]
    edit_columns = ["month", *INDICATORS]
    order_columns = ["month", "school.short_name", "source", "uses_system"]
    search_columns = ["school", "month", "source", "uses_system"]
    validators_columns = {name: Range(min=0, max=MAX_COUNT) for name in INDICATORS}
    # FAB translates these with gettext where it shows them (_info, the OpenAPI spec).
    description_columns = descriptions()

    def _check(self, item: UsageSnapshot) -> None:
        scope = current_scope()
        session = self.datamodel.session
        if not (scope.is_admin or UsageSnapshot in WRITABLE.get(scope.role, set())):
            raise ScopeRefused(_("Эта учётная запись не может передавать показатели."))
        if item.school_id is None or not is_visible(session, scope, School, item.school_id):
            raise ScopeRefused(_("Школа вне зоны ответственности этой учётной записи: показатели не приняты."))
        own = session.scalar(select(JournalSystem.is_own).join(School, School.journal_system_id == JournalSystem.id)
                             .where(School.id == item.school_id))
        if own:
            raise DomainError(_("Школа работает в этой системе: её показатели рассчитываются автоматически."))
        for part, whole in registry.pairs():
            if (getattr(item, part) or 0) > (getattr(item, whole) or 0):
                raise DomainError(_("Показатель %(part)s не может быть больше %(whole)s.", part=part, whole=whole))
        if item.month is None:
            raise DomainError(_("Укажите месяц (первое число месяца)."))
        item.month = item.month.replace(day=1)
        for name in registry.codes():
            setattr(item, name, getattr(item, name) or 0)
        item.source = "imported"
        item.computed_at = clock.region_now()
        item.uses_system = uses_system(current_threshold(session), lessons_filled=item.lessons_filled,
                                       lessons_due=item.lessons_due, teachers_active=item.teachers_active,
                                       teachers_total=item.teachers_total)

    def pre_add(self, item: UsageSnapshot) -> None:
        if item.school is not None:
            item.school_id = item.school.id
        self._check(item)
        batch = ImportBatch(month=item.month, source="api", rows_accepted=1, rows_rejected=0,
                            uploaded_by_id=getattr(g.user, "id", None), uploaded_at=clock.region_now())
        self.datamodel.session.add(batch)
        item.import_batch = batch
        super().pre_add(item)

    def pre_update(self, item: UsageSnapshot) -> None:
        self._check(item)
        super().pre_update(item)
