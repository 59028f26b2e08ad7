"""Adoption shares, the import and the register on the hand-built region."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.models import AnalyticalReport, ImportBatch, UsageSnapshot
from app.monitoring import imports
from app.monitoring.adoption import indicator_distribution, municipality_shares, region_series
from app.monitoring.indicators import compute_month
from app.monitoring.coverage import NO_LESSONS, VENDOR
from app.monitoring.register import due_date, mark_sent, record_generation, register_rows, revision_to_write
from app.monitoring.thresholds import change_thresholds, current_threshold
from app.security.scope import load_scope
from tests.monitoring_helpers import AUGUST, SEPTEMBER, build_monitoring_world, import_rows, xlsx_bytes


@pytest.fixture
def mw(app, session):
    w = build_monitoring_world(session, app.appbuilder.sm)
    compute_month(session, SEPTEMBER)
    return w


def scope_of(session, user):
    return load_scope(session, user)


def test_shares_per_municipality_and_region(mw, session):
    totals = municipality_shares(session, scope_of(session, mw.users["ministry"]), SEPTEMBER)
    a, b = totals.rows
    assert (a.name, a.schools_total, a.schools_using, a.share) == ("Альфинский район", 2, 1, Decimal("50.0"))
    assert (a.plan_share, a.meets_plan, a.meets_target, a.no_data, a.not_using) == (Decimal("60.0"), False, False, 0, 1)
    # B: not one school's figures (B1, B3 no lessons; B2 another vendor's): no share, not 0 %.
    assert (b.schools_total, b.schools_using, b.with_data, b.no_data) == (3, 0, 0, 3)
    assert (b.share, b.plan_share, b.meets_plan) == (None, Decimal("33.3"), None)
    assert (totals.schools_total, totals.schools_using, totals.share) == (5, 1, Decimal("20.0"))
    assert (totals.no_data, totals.no_data_reasons, totals.not_using) == (3, {NO_LESSONS: 2, VENDOR: 1}, 1)
    assert totals.target_share == Decimal("75") and totals.municipalities_meeting_target == 0
    assert totals.previous_share is None and totals.change is None


def test_the_methodology_may_leave_schools_without_data_out_of_the_share(mw, session):
    monitor = scope_of(session, mw.users["monitor"])
    change_thresholds(session, lessons_filled_share="80", teachers_active_share="50", user_id=None,
                      no_data_in_denominator=False)
    totals = municipality_shares(session, monitor, SEPTEMBER)
    assert (totals.schools_total, totals.schools_using, totals.no_data, totals.share) == (5, 1, 3, Decimal("50.0"))
    assert totals.rows[1].share is None   # B: still nothing to show
    imports.apply_import(session, monitor, imports.validate(session, monitor, SEPTEMBER, import_rows(mw)), user_id=None)
    totals = municipality_shares(session, monitor, SEPTEMBER)
    assert (totals.rows[1].share, totals.share) == (Decimal("100.0"), Decimal("66.7"))   # B 1/1, region 2/3
    # The rule is kept with the thresholds: a later change of the thresholds alone keeps it.
    change_thresholds(session, lessons_filled_share="70", teachers_active_share="50", user_id=None)
    assert current_threshold(session).no_data_in_denominator is False


def test_import_changes_share(mw, session):
    monitor = scope_of(session, mw.users["monitor"])
    preview = imports.validate(session, monitor, SEPTEMBER, import_rows(mw), "sept.xlsx")
    assert preview.ok, preview.errors
    batch = imports.apply_import(session, monitor, preview, user_id=mw.users["monitor"].id)
    totals = municipality_shares(session, monitor, SEPTEMBER)
    b = totals.rows[1]
    assert (b.schools_using, b.share, b.meets_plan, b.no_data) == (1, Decimal("33.3"), True, 2)
    assert totals.share == Decimal("40.0") and totals.no_data_reasons == {NO_LESSONS: 2}
    assert batch.rows_accepted == 1 and batch.uploaded_by_id == mw.users["monitor"].id


def test_change_against_previous_month(mw, session):
    compute_month(session, AUGUST)  # August: nobody uses it (A1 1 of 3 teachers)
    totals = municipality_shares(session, scope_of(session, mw.users["ministry"]), SEPTEMBER)
    assert totals.previous_share == Decimal("0.0") and totals.change == Decimal("20.0")
    series = region_series(session, scope_of(session, mw.users["ministry"]), until=SEPTEMBER)
    assert [(p.month, p.schools_using, p.schools_total) for p in series] == [(AUGUST, 0, 5), (SEPTEMBER, 1, 5)]


def test_coordinator_sees_only_own_municipality(mw, session):
    scope = scope_of(session, mw.users["municipal"])
    totals = municipality_shares(session, scope, SEPTEMBER)
    assert [r.name for r in totals.rows] == ["Альфинский район"]
    assert (totals.schools_total, totals.schools_using) == (2, 1)
    bins, undefined, no_data = indicator_distribution(session, scope, SEPTEMBER, "lessons_filled")
    assert sum(b.schools for b in bins) == 3 and (undefined, no_data) == (0, 0)   # A1, A2, A3


def test_distribution_bins_leave_schools_without_data_out(mw, session):
    bins, undefined, no_data = indicator_distribution(session, scope_of(session, mw.users["ministry"]), SEPTEMBER,
                                                      "lessons_filled")
    by_label = {b.label: b.schools for b in bins}
    assert by_label["80–90%"] == 1 and by_label["50–60%"] == 1 and by_label["90–100%"] == 1
    assert by_label["0–10%"] == 0          # B1 is «нет данных», not a school at 0 %
    assert (undefined, no_data) == (0, 3)  # B1, B2, B3


def test_import_with_one_bad_row_writes_nothing(mw, session):
    monitor = scope_of(session, mw.users["monitor"])
    rows = import_rows(mw) + [(3, dict(import_rows(mw)[0][1], school_id=mw.b3.id, lessons_filled=11))]
    preview = imports.validate(session, monitor, SEPTEMBER, rows)
    assert not preview.ok
    assert [e.row for e in preview.errors] == [3]
    assert "больше" in preview.errors[0].message
    with pytest.raises(DomainError):
        imports.apply_import(session, monitor, preview, user_id=None)
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert session.scalar(select(func.count()).select_from(UsageSnapshot).where(UsageSnapshot.source == "imported")) == 0


def test_import_lists_every_bad_row_with_reason(mw, session):
    monitor = scope_of(session, mw.users["monitor"])
    good = import_rows(mw)[0][1]
    rows = [
        (2, dict(good, school_id="abc")),
        (3, dict(good, school_id=mw.a1.id)),          # on this product
        (4, dict(good, teachers_active=-1)),
        (5, dict(good, school_id=999999)),
        (6, dict(good)),
        (7, dict(good)),                               # duplicate of row 6
    ]
    preview = imports.validate(session, monitor, SEPTEMBER, rows)
    reasons = {e.row: e.message for e in preview.errors}
    assert set(reasons) == {2, 3, 4, 5, 7}
    assert "рассчитываются автоматически" in reasons[3]
    assert "уже есть в строке 6" in reasons[7]


def test_reimport_replaces_the_month(mw, session):
    monitor = scope_of(session, mw.users["monitor"])
    for lessons in (9, 5):
        preview = imports.validate(session, monitor, SEPTEMBER, import_rows(mw, lessons_filled=lessons))
        imports.apply_import(session, monitor, preview, user_id=mw.users["monitor"].id)
    snapshots = session.scalars(select(UsageSnapshot).where(UsageSnapshot.source == "imported")).all()
    assert [(s.school_id, s.lessons_filled, s.uses_system) for s in snapshots] == [(mw.b2.id, 5, False)]
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 2


def test_vendor_cannot_import_another_vendors_school(mw, session):
    other = scope_of(session, mw.users["other_vendor"])
    preview = imports.validate(session, other, SEPTEMBER, import_rows(mw))
    assert not preview.ok and "вне вашей зоны" in preview.errors[0].message


def test_read_table_xlsx_and_csv(mw):
    header = list(imports.COLUMNS.values())
    row = [mw.b2.id, "СОШ № 22", 3, 4, 9, 10, 40, 30, 60, 100, 250]
    rows = imports.read_table(xlsx_bytes([header, row, [None] * 11]), "f.xlsx")
    assert rows == [(2, dict(zip(imports.COLUMNS, row)))]
    text = ";".join(header) + "\n" + ";".join(map(str, row)) + "\n"
    rows = imports.read_table(text.encode("utf-8-sig"), "f.csv")
    assert rows[0][1]["lessons_due"] == "10"
    with pytest.raises(DomainError, match="Учителей всего"):
        imports.read_table(xlsx_bytes([header[:3]]), "f.xlsx")
    with pytest.raises(DomainError):
        imports.read_table(b"not a zip", "f.xlsx")


def test_a_sent_report_never_changes_regenerating_makes_the_next_revision(mw, session):
    monitor = mw.users["monitor"].id
    first = record_generation(session, SEPTEMBER, b"draft", user_id=monitor, now=dt.datetime(2012, 10, 3, 9))
    again = record_generation(session, SEPTEMBER, b"first", user_id=monitor, now=dt.datetime(2012, 10, 4, 9))
    assert (again.id, again.revision, again.content) == (first.id, 1, b"first")   # not sent yet: replaced
    assert revision_to_write(session, SEPTEMBER) == 1
    mark_sent(session, first.id, user_id=monitor, now=dt.datetime(2012, 10, 5, 10))
    assert revision_to_write(session, SEPTEMBER) == 2
    second = record_generation(session, SEPTEMBER, b"second", user_id=monitor, now=dt.datetime(2012, 10, 9, 11))
    assert (second.revision, second.filename) == (2, "analiticheskaya-spravka-2012-09-red2.xlsx")
    sent = session.get(AnalyticalReport, first.id)
    assert (sent.content, sent.sent_at, sent.generated_at) == (b"first", dt.datetime(2012, 10, 5, 10),
                                                               dt.datetime(2012, 10, 4, 9))
    row = register_rows(session)[0]
    assert [(r.revision, r.sent_at) for r in row.revisions] == [(2, None), (1, dt.datetime(2012, 10, 5, 10))]
    assert row.first_sent.revision == 1 and not row.is_late(dt.date(2012, 10, 20))   # sent on the due date
    assert row.is_pending()   # revision 2 is still to send
    third = record_generation(session, SEPTEMBER, b"second, corrected", user_id=monitor)
    assert (third.id, third.revision) == (second.id, 2)


def test_register_due_date_late_and_sent(mw, session):
    assert due_date(session, SEPTEMBER) == dt.date(2012, 10, 5)
    report = record_generation(session, SEPTEMBER, b"xlsx", user_id=mw.users["monitor"].id,
                               now=dt.datetime(2012, 10, 4, 9))
    row = register_rows(session)[0]
    assert row.month == SEPTEMBER and row.due_on == dt.date(2012, 10, 5)
    assert not row.is_late(dt.date(2012, 10, 5)) and row.is_late(dt.date(2012, 10, 6))
    mark_sent(session, report.id, user_id=mw.users["monitor"].id, now=dt.datetime(2012, 10, 8, 10))
    row = register_rows(session)[0]
    assert row.is_late(dt.date(2012, 10, 9)) and row.sent_at == dt.datetime(2012, 10, 8, 10)
    with pytest.raises(DomainError):
        mark_sent(session, report.id, user_id=None)
    assert session.get(AnalyticalReport, report.id).content == b"xlsx"
