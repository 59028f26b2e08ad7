"""The справка's Word document from the dashboard, the register and the command line; who may
download it (the same as the xlsx); a format other than xlsx or docx changes nothing."""
import io

import pytest
from docx import Document
from sqlalchemy import func, select

from app.models import AnalyticalReport
from app.monitoring.indicators import compute_month
from tests.conftest import csrf_token
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "Аналитическая справка об использовании электронных журналов и дневников за сентябрь 2012"


@pytest.fixture
def mw(app, session):
    w = build_monitoring_world(session, app.appbuilder.sm)
    compute_month(session, SEPTEMBER)
    return w


def generate(client, **fields):
    data = {"month": "2012-09", "csrf_token": csrf_token(client, "/monitoring/dashboard?month=2012-09"), **fields}
    return client.post("/monitoring/report", data=data)


def title_of(content: bytes) -> str:
    return Document(io.BytesIO(content)).paragraphs[0].text


def test_monitor_generates_docx_on_the_dashboard_and_register_keeps_both(mw, as_user, session):
    client = as_user("monitor")
    assert "Сформировать и скачать справку (docx)" in client.get("/monitoring/dashboard?month=2012-09").get_data(
        as_text=True)
    response = generate(client, format="docx")
    assert response.status_code == 200 and response.mimetype == DOCX_TYPE
    assert 'filename="analiticheskaya-spravka-2012-09.docx"' in response.headers["Content-Disposition"]
    assert title_of(response.data) == TITLE
    entry = session.scalars(select(AnalyticalReport)).one()
    assert entry.docx_content == response.data and entry.content.startswith(b"PK")  # the xlsx of the same moment
    page = client.get("/monitoring/register").get_data(as_text=True)
    assert "Скачать xlsx" in page and "Скачать docx" in page
    assert client.get(f"/monitoring/register/{entry.id}/file?format=docx").data == response.data
    assert client.get(f"/monitoring/register/{entry.id}/file").data == entry.content


def test_xlsx_generation_records_the_docx_too(mw, as_user, session):
    response = generate(as_user("monitor"))
    assert response.mimetype.endswith("spreadsheetml.sheet")
    entry = session.scalars(select(AnalyticalReport)).one()
    assert entry.content == response.data and title_of(entry.docx_content) == TITLE


def test_ministry_downloads_docx_from_the_register(mw, as_user, session):
    generate(as_user("monitor"), format="docx")
    entry = session.scalars(select(AnalyticalReport)).one()
    ministry = as_user("ministry")
    assert "Скачать docx" in ministry.get("/monitoring/register").get_data(as_text=True)
    assert ministry.get(f"/monitoring/register/{entry.id}/file?format=docx").data == entry.docx_content


@pytest.mark.parametrize("user", ["municipal", "vendor"])
def test_who_cannot_open_the_register_gets_neither_format(mw, as_user, session, user):
    generate(as_user("monitor"))
    entry = session.scalars(select(AnalyticalReport)).one()
    client = as_user(user)
    xlsx = client.get(f"/monitoring/register/{entry.id}/file")
    docx = client.get(f"/monitoring/register/{entry.id}/file?format=docx")
    assert xlsx.status_code in (302, 403) and docx.status_code == xlsx.status_code
    assert docx.data != entry.docx_content
    assert generate(client, format="docx").status_code in (302, 403)


def test_report_not_in_the_register_or_without_docx_is_404(mw, as_user, session):
    client = as_user("monitor")
    assert client.get("/monitoring/register/999/file?format=docx").status_code == 404
    generate(client)
    entry = session.scalars(select(AnalyticalReport)).one()
    entry.docx_content = None  # generated before the Word document was kept
    session.commit()
    assert client.get(f"/monitoring/register/{entry.id}/file?format=docx").status_code == 404
    assert client.get(f"/monitoring/register/{entry.id}/file").status_code == 200
    assert "Скачать docx" not in client.get("/monitoring/register").get_data(as_text=True)


def test_unknown_format_is_a_russian_message_and_records_nothing(mw, as_user, session):
    client = as_user("monitor")
    response = generate(client, format="pdf")
    assert response.status_code == 400 and "xlsx или docx" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(AnalyticalReport)) == 0


def test_command_writes_the_format_of_the_extension(mw, runner, session, tmp_path):
    out = tmp_path / "spravka.docx"
    result = runner.invoke(args=["monitoring", "report", "--month", "2012-09", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "внесена в реестр" in result.output and title_of(out.read_bytes()) == TITLE
    entry = session.scalars(select(AnalyticalReport)).one()
    assert entry.docx_content == out.read_bytes() and entry.content.startswith(b"PK")


def test_command_refuses_another_extension_and_records_nothing(mw, runner, session, tmp_path):
    out = tmp_path / "spravka.pdf"
    result = runner.invoke(args=["monitoring", "report", "--month", "2012-09", "--out", str(out)])
    assert result.exit_code != 0 and "xlsx или docx" in result.output
    assert not out.exists() and session.scalar(select(func.count()).select_from(AnalyticalReport)) == 0
