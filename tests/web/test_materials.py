"""The library of methodical materials (p.2): methodists publish files, the rollout's people
read the list and download them; refused files change nothing."""
from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import unquote

import pytest

from app.models import Material
from tests.conftest import csrf_token

TODAY = dt.date(2012, 8, 20)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NAME = "Методические рекомендации по ведению журнала.pdf"


@pytest.fixture(autouse=True)
def today(app):
    app.config["TODAY"] = TODAY


def make_material(session, world, title, *, published_on=TODAY, filename=NAME, data=PDF):
    material = Material(title=title, description="Для заместителей директоров", published_on=published_on,
                        author_id=world.users["methodist"].id, filename=filename,
                        content_type="application/pdf" if data else None, data=data)
    session.add(material)
    session.commit()
    return material


def post_material(client, url, *, title="Положение об электронном журнале", file=(PDF, NAME)):
    data = {"csrf_token": csrf_token(client, url), "title": title, "description": "Образец для школ"}
    if file is not None:
        data["file"] = (io.BytesIO(file[0]), file[1])
    return client.post(url, data=data, content_type="multipart/form-data")


def rows(session):
    session.expire_all()
    return session.query(Material).all()


def test_methodist_publishes_a_pdf_with_author_and_date(session, world, as_user):
    client = as_user("methodist")
    response = post_material(client, "/materialview/add")
    assert response.status_code == 302
    material = rows(session)[0]
    assert material.title == "Положение об электронном журнале"
    assert material.description == "Образец для школ"
    assert (material.filename, material.content_type, material.data) == (NAME, "application/pdf", PDF)
    assert material.published_on == TODAY
    assert material.author_id == world.users["methodist"].id
    assert "Запись добавлена" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_school_admin_sees_the_list_and_downloads_identical_bytes(session, world, as_user):
    material = make_material(session, world, "Методические рекомендации")
    client = as_user("director")
    page = client.get("/materialview/list/").get_data(as_text=True)
    assert "Методические материалы" in page
    assert "Методические рекомендации" in page and "20.08.2012" in page and "Methodist Тестов" in page
    assert f'<a href="/materialview/file/{material.id}">{NAME}</a> (1 КБ)' in page
    download = client.get(f"/materialview/file/{material.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == NAME
    assert re.search(r'filename="[\x20-\x7e]+\.pdf"', disposition)  # an ASCII name for old clients


@pytest.mark.parametrize("username", ["ministry", "monitor", "municipal", "secretary", "teacher"])
def test_everyone_on_the_rollout_reads_and_downloads(session, world, as_user, username):
    material = make_material(session, world, "Памятка для учителя")
    client = as_user(username)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/materialview/list/"' in page and "Методические материалы" in page  # the menu entry
    assert "Памятка для учителя" in client.get("/materialview/list/").get_data(as_text=True)
    assert client.get(f"/materialview/file/{material.id}").data == PDF


def test_families_have_no_library(session, world, as_user):
    material = make_material(session, world, "Памятка для учителя")
    for username in ("parent", "pupil"):
        client = as_user(username)
        assert client.get("/materialview/list/").status_code == 403
        assert client.get(f"/materialview/file/{material.id}").status_code == 403
        assert 'href="/materialview/list/"' not in client.get("/").get_data(as_text=True)


def test_list_shows_newest_first_and_finds_by_title(session, world, as_user):
    make_material(session, world, "Старый регламент", published_on=dt.date(2012, 6, 1))
    make_material(session, world, "Новая инструкция", published_on=dt.date(2012, 8, 1))
    make_material(session, world, "Ещё одна инструкция", published_on=dt.date(2012, 8, 1))
    client = as_user("director")
    page = client.get("/materialview/list/").get_data(as_text=True)
    positions = [page.index(title) for title in ("Ещё одна инструкция", "Новая инструкция", "Старый регламент")]
    assert positions == sorted(positions)
    found = client.get("/materialview/list/?_flt_2_title=регламент").get_data(as_text=True)
    assert "Старый регламент" in found and "инструкция" not in found


def test_school_admin_cannot_add_edit_or_delete(session, world, as_user):
    material = make_material(session, world, "Методические рекомендации")
    client = as_user("director")
    token = csrf_token(client, "/materialview/list/")
    assert client.get("/materialview/add").status_code == 403
    response = client.post("/materialview/add", data={"csrf_token": token, "title": "Чужой файл",
                                                      "file": (io.BytesIO(PDF), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert client.get(f"/materialview/edit/{material.id}").status_code == 403
    assert client.post(f"/materialview/edit/{material.id}", data={"csrf_token": token, "title": "Изменено"}).status_code == 403
    assert client.post(f"/materialview/delete/{material.id}", data={"csrf_token": token}).status_code == 403
    assert [(m.title, m.data) for m in rows(session)] == [("Методические рекомендации", PDF)]
    page = client.get("/materialview/list/").get_data(as_text=True)
    assert "/materialview/add" not in page and f"/materialview/edit/{material.id}" not in page


@pytest.mark.parametrize("file, message", [
    ((b"MZ\x90\x00\x03", "Инструкция.pdf"), "Файл «Инструкция.pdf» не похож на файл PDF"),
    ((b"MZ\x90\x00\x03", "setup.exe"), "Файл «setup.exe» не принят: допускаются только файлы docx, jpg, pdf, png, xlsx."),
    ((PDF + b"0" * (5 * 1024 * 1024), "Большой.pdf"), "Файл «Большой.pdf» слишком большой: допускается не более 5 МБ."),
    ((b"", "Пустой.pdf"), "Файл не выбран или пуст: выберите файл."),
    (None, "Файл не выбран или пуст: выберите файл."),
])
def test_a_refused_file_is_said_in_russian_and_nothing_is_written(session, world, as_user, file, message):
    client = as_user("methodist")
    response = post_material(client, "/materialview/add", file=file)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert rows(session) == []


def test_an_empty_title_is_refused_in_russian(session, world, as_user):
    client = as_user("methodist")
    response = post_material(client, "/materialview/add", title="   ")
    assert response.status_code == 200
    assert "Обязательное поле" in response.get_data(as_text=True)
    assert rows(session) == []


def test_methodist_edits_keeping_or_replacing_the_file_and_deletes(session, world, as_user):
    material = make_material(session, world, "Черновик")
    client = as_user("methodist")
    url = f"/materialview/edit/{material.id}"
    response = post_material(client, url, title="Регламент", file=None)
    assert response.status_code == 302
    (kept,) = rows(session)
    assert (kept.title, kept.filename, kept.data, kept.published_on) == ("Регламент", NAME, PDF, TODAY)

    response = post_material(client, url, title="Регламент", file=(b"MZ\x90", "Регламент.pdf"))
    assert "не похож на файл PDF" in response.get_data(as_text=True)
    assert rows(session)[0].data == PDF

    new_pdf = PDF + b"% second edition\n"
    assert post_material(client, url, title="Регламент", file=(new_pdf, "Регламент, ред. 2.pdf")).status_code == 302
    (replaced,) = rows(session)
    assert (replaced.filename, replaced.data) == ("Регламент, ред. 2.pdf", new_pdf)

    token = csrf_token(client, "/materialview/list/")
    assert client.post(f"/materialview/delete/{material.id}", data={"csrf_token": token}).status_code == 302
    assert rows(session) == []


def test_a_material_without_a_file_has_no_download_link(session, world, as_user):
    material = make_material(session, world, "Расписание вебинаров", filename=None, data=None)
    client = as_user("director")
    page = client.get("/materialview/list/").get_data(as_text=True)
    assert "Расписание вебинаров" in page and f"/materialview/file/{material.id}" not in page
    assert client.get(f"/materialview/file/{material.id}").status_code == 404


def test_a_nonexistent_material_is_404(session, world, as_user):
    client = as_user("director")
    assert client.get("/materialview/file/999").status_code == 404
    assert client.get("/materialview/show/999").status_code == 404

