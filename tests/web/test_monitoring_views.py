"""Monitoring pages through the test client: compute, thresholds, import, charts, report, register, scope."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models import AnalyticalReport, ImportBatch, UsageSnapshot, UsageThreshold
from app.monitoring import imports
from app.monitoring.indicators import compute_month
from tests.conftest import csrf_token
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world, xlsx_bytes


@pytest.fixture
def mw(app, session):
    return build_monitoring_world(session, app.appbuilder.sm)


def post(client, path, data, page="/monitoring/dashboard?month=2012-09", **kwargs):
    data = dict(data, csrf_token=csrf_token(client, page))
    return client.post(path, data=data, **kwargs)


def test_monitor_computes_month_with_button(mw, as_user, session):
    client = as_user("monitor")
    page = client.get("/monitoring/dashboard?month=2012-09").get_data(as_text=True)
    assert "нет данных мониторинга" in page and "Рассчитать показатели" in page
    response = post(client, "/monitoring/compute", {"month": "2012-09"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert ("сентябрь 2012: рассчитано по журналу — 3; загружено из других систем — 0; введено вручную — 0; "
            "нет данных — 3. Всего школ — 6.") in page
    assert re.search(r'id="card-schools".*?1 / 5', page, re.S)
    assert session.scalar(select(func.count()).select_from(UsageSnapshot)) == 3


def test_ministry_dashboard_is_read_only_and_has_charts(mw, as_user, session):
    compute_month(session, SEPTEMBER)
    client = as_user("ministry")
    page = client.get("/monitoring/dashboard?month=2012-09").get_data(as_text=True)
    assert 'data-kind="hbar"' in page and "Альфинский район" in page and "Бетинский район" in page
    assert "Рассчитать показатели" not in page
    assert "Просроченные сроки внедрения" in page and "overdue-placeholder" not in page
    assert post(client, "/monitoring/compute", {"month": "2012-09"}).status_code in (302, 403)
    assert session.scalar(select(func.count()).select_from(UsageThreshold)) == 0


def test_coordinator_charts_and_export_show_own_municipality_only(mw, as_user, session):
    compute_month(session, SEPTEMBER)
    session.add(UsageSnapshot(school_id=mw.b1.id, month=SEPTEMBER, source="entered", lessons_due=5, lessons_filled=5,
                              teachers_total=1, teachers_active=1, uses_system=True))
    session.commit()
    client = as_user("municipal")
    page = client.get("/monitoring/charts?month=2012-09").get_data(as_text=True)
    assert "Альфинский район" in page and "Бетинский район" not in page
    csv_text = client.get("/monitoring/export?month=2012-09").get_data().decode("utf-8-sig")
    assert "СОШ № 11" in csv_text and "СОШ № 21" not in csv_text and "СОШ № 22" not in csv_text
    listing = client.get("/usagesnapshotview/list/").get_data(as_text=True)
    assert "СОШ № 11" in listing and "СОШ № 21" not in listing
    other = session.scalars(select(UsageSnapshot.id).where(UsageSnapshot.school_id == mw.b1.id)).one()
    assert client.get(f"/usagesnapshotview/show/{other}").status_code == 404 or \
        "СОШ № 21" not in client.get(f"/usagesnapshotview/show/{other}").get_data(as_text=True)


def test_coordinator_cannot_use_monitoring_work_pages(mw, as_user):
    client = as_user("municipal")
    for path in ("/monitoring/import", "/monitoring/thresholds", "/monitoring/register"):
        response = client.get(path)
        assert response.status_code in (302, 403), path


def test_thresholds_form_changes_and_recomputes(mw, as_user, session):
    compute_month(session, SEPTEMBER)
    client = as_user("monitor")
    response = post(client, "/monitoring/thresholds", {"lessons_filled": "90", "teachers_active": "50"},
                    page="/monitoring/thresholds", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Пороги изменены" in page and "Monitor" in page
    a1 = session.scalars(select(UsageSnapshot).where(UsageSnapshot.school_id == mw.a1.id)).one()
    session.refresh(a1)
    assert a1.uses_system is False
    bad = post(client, "/monitoring/thresholds", {"lessons_filled": "120", "teachers_active": "50"}, page="/monitoring/thresholds")
    assert bad.status_code == 400 and "от 0 до 100" in bad.get_data(as_text=True)


def _file(mw, **override):
    header = list(imports.COLUMNS.values())
    row = dict(school_id=mw.b2.id, school="СОШ № 22", teachers_active=3, teachers_total=4, lessons_filled=9,
               lessons_due=10, marks_entered=40, marks_on_time=30, pupils_with_diary_access=60, pupils_total=100,
               diary_visits=250)
    row.update(override)
    return xlsx_bytes([header, [row[k] for k in imports.COLUMNS]])


def test_import_preview_then_confirm(mw, as_user, session):
    client = as_user("monitor")
    response = post(client, "/monitoring/import", {"month": "2012-09", "file": (io.BytesIO(_file(mw)), "sept.xlsx")},
                    page="/monitoring/import", content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "СОШ № 22" in page and "import-confirm" in page
    assert session.scalar(select(func.count()).select_from(UsageSnapshot)) == 0  # preview writes nothing
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = post(client, "/monitoring/import/confirm", {"token": token}, page="/monitoring/import", follow_redirects=True)
    assert "Загружено строк: 1" in done.get_data(as_text=True)
    snapshot = session.scalars(select(UsageSnapshot)).one()
    assert (snapshot.school_id, snapshot.source, snapshot.uses_system) == (mw.b2.id, "imported", True)
    batch = session.scalars(select(ImportBatch)).one()
    assert batch.uploaded_by_id == mw.users["monitor"].id and batch.filename == "sept.xlsx"


def test_second_confirmation_of_one_import_writes_no_second_batch(mw, as_user, session):
    client = as_user("monitor")
    page = post(client, "/monitoring/import", {"month": "2012-09", "file": (io.BytesIO(_file(mw)), "sept.xlsx")},
                page="/monitoring/import", content_type="multipart/form-data").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    first = post(client, "/monitoring/import/confirm", {"token": token}, page="/monitoring/import", follow_redirects=True)
    assert "Загружено строк: 1" in first.get_data(as_text=True)
    second = post(client, "/monitoring/import/confirm", {"token": token}, page="/monitoring/import", follow_redirects=True)
    assert "Этот импорт уже выполнен" in second.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 1
    assert session.scalar(select(func.count()).select_from(UsageSnapshot)) == 1


def test_import_with_bad_row_shows_reason_and_writes_nothing(mw, as_user, session):
    client = as_user("monitor")
    response = post(client, "/monitoring/import",
                    {"month": "2012-09", "file": (io.BytesIO(_file(mw, lessons_filled=12)), "sept.xlsx")},
                    page="/monitoring/import", content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "import-errors" in page and "import-confirm" not in page
    assert "«Уроков заполнено» (12) больше, чем «Уроков по расписанию» (10)" in page.replace("&#34;", '"')
    assert session.scalar(select(func.count()).select_from(UsageSnapshot)) == 0
    forged = post(client, "/monitoring/import/confirm", {"token": "forged"}, page="/monitoring/import")
    assert forged.status_code == 400 and session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_template_download_lists_other_system_schools(mw, as_user):
    client = as_user("monitor")
    response = client.get("/monitoring/import/template")
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Код школы"
    assert {r[0] for r in rows[1:]} == {mw.b2.id, mw.b3.id}


def test_report_download_and_register(mw, as_user, session):
    compute_month(session, SEPTEMBER)
    client = as_user("monitor")
    response = post(client, "/monitoring/report", {"month": "2012-09"})
    assert response.status_code == 200 and response.mimetype.endswith("sheet")
    book = load_workbook(io.BytesIO(response.data), data_only=True)
    assert "Сводка" in book.sheetnames
    entry = session.scalars(select(AnalyticalReport)).one()
    assert entry.generated_by_id == mw.users["monitor"].id and entry.content == response.data
    page = client.get("/monitoring/register").get_data(as_text=True)
    assert "05.10.2012" in page and "mon-late" in page and "Отметить отправку" in page
    post(client, f"/monitoring/register/{entry.id}/sent", {}, page="/monitoring/register")
    session.refresh(entry)
    assert entry.sent_by_id == mw.users["monitor"].id
    ministry = as_user("ministry")
    assert ministry.get(f"/monitoring/register/{entry.id}/file").data == entry.content
    assert "Отметить отправку" not in ministry.get("/monitoring/register").get_data(as_text=True)


def test_ministry_pages_never_show_pupil_names(mw, as_user, session):
    compute_month(session, SEPTEMBER)
    client = as_user("ministry")
    text = "".join(client.get(p).get_data(as_text=True) for p in (
        "/monitoring/dashboard?month=2012-09", "/monitoring/charts?month=2012-09", "/monitoring/register",
        "/usagesnapshotview/list/")) + client.get("/monitoring/export?month=2012-09").get_data().decode("utf-8-sig")
    for word in ("Первый", "Второй", "Третий", "14.03.2001", "2001-03-14"):
        assert word not in text


def test_bad_month_is_a_russian_message(mw, as_user):
    response = as_user("monitor").get("/monitoring/dashboard?month=сентябрь")
    assert response.status_code == 400 and "укажите его так: сентябрь 2012 или 09.2012" in response.get_data(as_text=True)


def test_snapshot_list_and_record_name_the_source_in_russian(mw, as_user, session):
    compute_month(session, SEPTEMBER)
    session.commit()
    client = as_user("monitor")
    listing = client.get("/usagesnapshotview/list/").get_data(as_text=True)
    # The code stays only as the value of the search drop-down's option («рассчитано»).
    shown = re.sub(r'value=\\?"[a-z]*\\?"', "", listing)
    assert "рассчитано" in shown and "computed" not in shown
    snapshot = session.scalars(select(UsageSnapshot)).first()
    record = client.get(f"/usagesnapshotview/show/{snapshot.id}").get_data(as_text=True)
    assert re.search(r"<th[^>]*>Источник</th>\s*<td>\s*<span[^>]*>рассчитано</span>", record)
