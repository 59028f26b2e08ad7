"""One preview, several confirmations at the same moment on PostgreSQL (a double click, two tabs):
each confirmation is its own request with its own connection, and the import is written once."""
import io
import re
import threading

import pytest
from sqlalchemy import func, select

from app.models import Guardian, ImportBatch, Pupil, Staff, UsageSnapshot
from app.monitoring import imports
from tests.conftest import csrf_token, login
from tests.monitoring_helpers import build_monitoring_world, import_rows, xlsx_bytes

pytestmark = pytest.mark.pg

CONFIRMS = 4
DONE = "Этот импорт уже выполнен"


def confirm_at_once(app, client, username, page, preview, data, confirm) -> list[str]:
    """Post the file `data` to `preview` as `username`, then its token to `confirm` from CONFIRMS
    logged-in clients at once; the pages they end on."""
    response = client.post(preview, content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(client, page), **data})
    token = re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    clients = []
    for _ in range(CONFIRMS):
        other = app.test_client()
        login(other, username)
        clients.append((other, csrf_token(other, page)))
    barrier = threading.Barrier(CONFIRMS)
    pages = [""] * CONFIRMS

    def post(number, other, csrf):
        barrier.wait()
        pages[number] = other.post(confirm, data={"csrf_token": csrf, "token": token},
                                   follow_redirects=True).get_data(as_text=True)

    threads = [threading.Thread(target=post, args=(n, *pair)) for n, pair in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return pages


def test_concurrent_confirmations_of_a_pupil_import_write_the_pupils_once(app, world, as_user, session):
    before = session.scalar(select(func.count()).select_from(Pupil))
    data = xlsx_bytes([["ФИО", "дата рождения", "класс", "ФИО родителя", "телефон"],
                       ["Смирнова Ольга Игоревна", "05.06.2000", "7А", "Смирнов Игорь", "89161112233"],
                       ["Смирнов Олег", "01.02.1999", "8Б", "Смирнов Игорь", "89161112233"]])
    session.commit()

    pages = confirm_at_once(app, as_user("secretary"), "secretary", "/pupil-import/", "/pupil-import/preview",
                            {"file": (io.BytesIO(data), "7a.xlsx")}, "/pupil-import/confirm")

    assert sum("Записано учеников: 2" in p for p in pages) == 1
    assert sum(DONE in p for p in pages) == CONFIRMS - 1
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Pupil)) == before + 2
    assert session.scalar(select(func.count()).select_from(Guardian).where(Guardian.last_name == "Смирнов")) == 1


def test_concurrent_confirmations_of_a_staff_import_write_the_staff_once(app, world, as_user, session):
    before = session.scalar(select(func.count()).select_from(Staff))
    data = xlsx_bytes([["ФИО", "должность", "ведёт уроки (да/нет)"],
                       ["Смирнова Елена Викторовна", "учитель русского языка", "да"],
                       ["Петрова Анна Петровна", "педагог-организатор", "нет"]])  # updates the world's Петрова
    session.commit()

    pages = confirm_at_once(app, as_user("secretary"), "secretary", "/staff-import/", "/staff-import/preview",
                            {"file": (io.BytesIO(data), "staff.xlsx")}, "/staff-import/confirm")

    assert sum("Добавлено работников: 1; обновлено: 1." in p for p in pages) == 1
    assert sum(DONE in p for p in pages) == CONFIRMS - 1
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Staff)) == before + 1
    assert session.get(Staff, world.other_teacher.id).position == "педагог-организатор"


def test_concurrent_confirmations_of_a_usage_import_write_one_batch(app, session, as_user):
    mw = build_monitoring_world(session, app.appbuilder.sm)
    (_number, cells), = import_rows(mw)
    data = xlsx_bytes([list(imports.COLUMNS.values()), [cells.get(key) for key in imports.COLUMNS]])
    session.commit()

    pages = confirm_at_once(app, as_user("monitor"), "monitor", "/monitoring/import", "/monitoring/import",
                            {"month": "2012-09", "file": (io.BytesIO(data), "sept.xlsx")}, "/monitoring/import/confirm")

    assert sum("Загружено строк: 1" in p for p in pages) == 1
    assert sum(DONE in p for p in pages) == CONFIRMS - 1
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 1
    assert session.scalar(select(func.count()).select_from(UsageSnapshot).where(UsageSnapshot.school_id == mw.b2.id)) == 1
