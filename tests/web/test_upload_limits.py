"""Every page with a file input says, beside it, which files it takes and up to what size; the
size is the one the server enforces (app.http.upload_limit), whatever the configured limits."""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from app.http import MB, upload_limit
from app.models import (HomeworkFile, ImportBatch, Material, Message, MessageAttachment, PlanTopic, Pupil,
                        ReadinessEvidence, Staff)
from app.views.base import UploadField
from tests.hostile_xlsx import shared_strings_bomb
from tests.rollout_helpers import make_campaign
from tests.security_helpers import form_token

PDF = b"%PDF-1.4\n% test\n"


@dataclass(frozen=True)
class UploadPage:
    user: str
    page: str  # where the form is; {school} and {material} are filled in
    endpoint: str  # where its file goes: the server's limit is this endpoint's
    post: str
    filename: str
    types: tuple[str, ...]
    fields: tuple[tuple[str, str], ...] = ()


READINESS = "/rollout/readiness/school/{school}"
PAGES = [
    UploadPage("secretary", "/pupil-import/", "PupilImportView.preview", "/pupil-import/preview", "список.csv",
               ("xlsx", "csv")),
    UploadPage("secretary", "/staff-import/", "StaffImportView.preview", "/staff-import/preview", "работники.csv",
               ("xlsx", "csv")),
    UploadPage("monitor", "/monitoring/import", "MonitoringView.import_file", "/monitoring/import", "сентябрь.csv",
               ("xlsx", "csv"), (("month", "2012-09"),)),
    UploadPage("director", READINESS, "ReadinessView.evidence_upload", READINESS + "/evidence/normative_acts",
               "Положение.pdf", ("docx", "jpg", "pdf", "png", "xlsx")),
    UploadPage("methodist", "/materialview/add", "MaterialView.add", "/materialview/add", "Регламент.pdf",
               ("docx", "jpg", "pdf", "png", "xlsx"), (("title", "Регламент"),)),
    UploadPage("methodist", "/materialview/edit/{material}", "MaterialView.edit", "/materialview/edit/{material}",
               "Новый.pdf", ("docx", "jpg", "pdf", "png", "xlsx"), (("title", "Новый"),)),
    UploadPage("teacher", "/journal/{assignment}/", "JournalView.save_homework", "/journal/api/homework",
               "Задачи.pdf", ("docx", "jpg", "pdf", "png", "xlsx"), (("lesson_id", "{lesson}"), ("text", "№ 1"))),
    UploadPage("teacher", "/plan/{assignment}/", "ThematicPlanView.preview", "/plan/{assignment}/preview", "ктп.csv",
               ("xlsx", "csv")),
    UploadPage("teacher", "/messages/new", "MessagesView.new", "/messages/new", "Вопрос.pdf",
               ("docx", "jpg", "pdf", "png", "xlsx"), (("subject", "Вопрос"), ("body", "Текст"))),
]


def _stored(session) -> list:
    """What an upload could have written."""
    return [session.query(model).count() for model in (Pupil, Staff, ImportBatch, ReadinessEvidence, PlanTopic,
                                                                HomeworkFile, Message, MessageAttachment)] + [
        (m.title, m.filename, m.data) for m in session.query(Material).order_by(Material.id)]


def _beside_the_file_input(page: str) -> str:
    """What the page says about its file input: the text its aria-describedby names, else (FAB's
    forms) the help text right after it."""
    tag = re.search(r'<input[^>]*type="file"[^>]*>', page)
    assert tag, "no file input on the page"
    described = re.search(r'aria-describedby="([^"]+)"', tag.group(0))
    if described:
        target = re.search(rf'<(\w+)[^>]*id="{described.group(1)}"[^>]*>(.*?)</\1>', page, re.S)
        assert target, f"nothing on the page has the id {described.group(1)}"
        return target.group(2)
    after = re.match(r'\s*<span class="help-block">([^<]*)</span>', page[tag.end():])
    assert after, "no help text beside the file input"
    return after.group(1)


@pytest.fixture
def urls(app, session, world):
    app.config["TODAY"] = dt.date(2012, 10, 19)
    make_campaign(session)
    material = Material(title="Регламент", published_on=dt.date(2012, 9, 1), filename="a.pdf",
                        content_type="application/pdf", data=PDF)
    session.add(material)
    session.commit()
    return {"school": world.school_a.id, "material": material.id, "assignment": world.lesson_a.assignment_id,
            "lesson": world.lesson_a.id}


@pytest.mark.parametrize("request_limit", [None, 3 * MB], ids=["as configured", "request limit 3 MB"])
@pytest.mark.parametrize("form", PAGES, ids=[p.endpoint for p in PAGES])
def test_upload_page_states_the_limit_the_server_enforces(app, session, as_user, urls, form, request_limit):
    if request_limit:  # below the 5 MB of the evidence and materials: the request's limit is then theirs
        app.config["MAX_CONTENT_LENGTH"] = request_limit
    mb = upload_limit(app, form.endpoint) // MB
    client = as_user(form.user)
    page = form.page.format(**urls)
    response = client.get(page)
    assert response.status_code == 200
    rules = _beside_the_file_input(response.get_data(as_text=True))
    assert f"не более {mb} МБ" in rules, rules
    assert all(kind in rules for kind in form.types), rules

    before = _stored(session)
    too_big = PDF + b"0" * app.config["MAX_CONTENT_LENGTH"]
    response = client.post(form.post.format(**urls), content_type="multipart/form-data", data={
        "csrf_token": form_token(client, page), "file": (io.BytesIO(too_big), form.filename),
        **{name: value.format(**urls) for name, value in form.fields}})
    assert response.status_code == 413
    assert f"Файл слишком большой: допускается не более {mb} МБ." in response.get_data(as_text=True)
    session.expire_all()
    assert _stored(session) == before


def test_every_upload_form_is_among_the_pages_above(app):
    """A new upload form joins PAGES, or nothing checks that its page says its limit."""
    root = Path(app.jinja_loader.searchpath[0])
    templates = {path.relative_to(root).as_posix() for path in root.rglob("*.html")
                 if 'type="file"' in path.read_text(encoding="utf-8")}
    assert templates == {"timetable/import.html", "people/staff_import.html", "monitoring/import.html",
                         "rollout/readiness.html", "journal/grid.html", "plan/plan.html", "messages/_files.html"}
    fab_forms = {f"{view.endpoint}.{kind}" for view in app.appbuilder.baseviews for kind in ("add", "edit")
                 if any(getattr(field, "field_class", None) is UploadField
                        for field in (getattr(view, f"{kind}_form_extra_fields", None) or {}).values())}
    assert fab_forms and fab_forms <= {page.endpoint for page in PAGES}


@pytest.mark.parametrize("form", [p for p in PAGES if "xlsx" in p.types and "csv" in p.types],
                         ids=lambda p: p.endpoint)
def test_import_refuses_a_shared_strings_bomb_and_stores_nothing(app, session, as_user, urls, form, monkeypatch):
    parsed = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: parsed.append(a))
    client = as_user(form.user)
    page = form.page.format(**urls)
    before = _stored(session)
    response = client.post(form.post.format(**urls), content_type="multipart/form-data", follow_redirects=True, data={
        "csrf_token": form_token(client, page), "file": (io.BytesIO(shared_strings_bomb()), "бомба.xlsx"),
        **dict(form.fields)})
    assert response.status_code in (200, 400)
    assert "Файл слишком велик в распакованном виде (больше 30 МБ)" in response.get_data(as_text=True)
    assert parsed == []
    session.expire_all()
    assert _stored(session) == before
