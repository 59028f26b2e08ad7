"""CSRF on forms and API writes, security headers, upload size limit, escaped HTML."""
from __future__ import annotations

import datetime as dt
import io

from app import uploads
from app.http import UPLOAD_LIMITS
from app.models import ImportBatch, Material, Pupil, ReadinessEvidence, UsageSnapshot
from app.views.base import UploadField
from tests.factories import make_pupil
from tests.rollout_helpers import make_campaign
from tests.security_helpers import api_token, client_for, form_token, register_test_apis


def test_security_headers_on_pages_and_api(world, as_user):
    client = as_user("secretary")
    for path in ("/login/", "/", "/pupilview/list/", "/api/v1/menu/", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp, path
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0], path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
        assert headers["X-Frame-Options"] == "DENY"


def test_every_script_tag_carries_the_nonce(world, as_user):
    import re

    page_response = as_user("secretary").get("/pupilview/list/")
    nonce = re.search(r"'nonce-([^']+)'", page_response.headers["Content-Security-Policy"]).group(1)
    tags = re.findall(r"<script\b[^>]*>", page_response.get_data(as_text=True))
    assert tags and all(f'nonce="{nonce}"' in tag for tag in tags), [t for t in tags if nonce not in t]


def test_form_posts_without_csrf_token_are_refused(app, world, as_user, session):
    client = as_user("secretary")
    before = session.query(Pupil).count()
    response = client.post("/pupilview/add", data={
        "school": str(world.school_a.id), "class_group": str(world.class_a.id), "last_name": "Подделкин",
        "first_name": "Пётр", "birth_date": "2000-01-01", "enrolled_on": "2012-09-01"})
    assert response.status_code == 400
    response = client.post(f"/pupilview/delete/{world.pupil_a.id}")
    assert response.status_code == 400
    session.expire_all()
    assert session.query(Pupil).count() == before


def test_every_post_route_demands_the_csrf_token(app, world, as_user):
    """All form routes (not the JWT API) refuse a POST without a token, before doing anything."""
    client = as_user("admin")
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<{rule._converters[argument].__class__.__name__.lower().replace('converter', '')}:{argument}>", "1")
        import re
        url = re.sub(r"<[^>]+>", "1", url)
        assert client.post(url, data={"x": "1"}).status_code == 400, url
        checked += 1
    assert checked > 20


def test_cookie_authenticated_api_writes_need_the_csrf_token(app, session):
    from tests.factories import build_world

    register_test_apis(app)
    world = build_world(session, app.appbuilder.sm)
    client = client_for(app, "secretary")
    body = {"school": world.school_a.id, "class_group": world.class_a.id, "last_name": "Куков",
            "first_name": "Кук", "birth_date": "2001-02-03", "enrolled_on": "2012-09-01"}
    count = session.query(Pupil).count()
    # a cross-site page could make the browser send this with the session cookie: refused
    assert client.post("/api/v1/test-pupils/", json=body).status_code == 400
    assert client.delete(f"/api/v1/test-pupils/{world.pupil_a.id}").status_code == 400
    assert client.put(f"/api/v1/test-pupils/{world.pupil_a.id}", json={"last_name": "Х"}).status_code == 400
    session.expire_all()
    assert session.query(Pupil).count() == count
    assert session.get(Pupil, world.pupil_a.id).last_name == "Алексеева"
    # reads with the cookie work (our pages may call the API)
    assert client.get(f"/api/v1/test-pupils/{world.pupil_a.id}").status_code == 200
    # our own page's AJAX sends the token: accepted
    token = form_token(client, "/")
    response = client.post("/api/v1/test-pupils/", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.get_json()
    # a JWT client needs no CSRF token
    jwt = api_token(app.test_client(), "secretary")
    response = app.test_client().post("/api/v1/test-pupils/", json={**body, "last_name": "Жетонов"},
                                      headers={"Authorization": f"Bearer {jwt}"})
    assert response.status_code == 201


def test_api_refuses_bad_jwts_huge_pks_and_duplicates(app, session):
    from tests.factories import build_world

    register_test_apis(app)
    world = build_world(session, app.appbuilder.sm)
    client = app.test_client()
    for header in ("Bearer not-a-jwt", "Bearer a.b.c", "Bearer ", "Basic Zm9vOmJhcg=="):
        response = client.get("/api/v1/test-pupils/", headers={"Authorization": header})
        assert response.status_code == 401, (header, response.status_code)
    assert client.get("/api/v1/test-pupils/").status_code == 401
    jwt = {"Authorization": f"Bearer {api_token(client, 'secretary')}"}
    for pk in ("99999999999999999999999", "2147483648", "-1", "0", "abc"):
        assert client.get(f"/api/v1/test-pupils/{pk}", headers=jwt).status_code in (404, 405), pk
        assert client.delete(f"/api/v1/test-pupils/{pk}", headers=jwt).status_code == 404, pk
        assert client.put(f"/api/v1/test-pupils/{pk}", headers=jwt, json={}).status_code == 404, pk
    # out of the caller's scope: another school's class
    body = {"school": world.school_b.id, "class_group": world.class_b.id, "last_name": "Чужой",
            "first_name": "Ч", "birth_date": "2001-02-03", "enrolled_on": "2012-09-01"}
    response = client.post("/api/v1/test-pupils/", json=body, headers=jwt)
    assert response.status_code in (403, 422), response.get_json()
    assert session.query(Pupil).filter_by(last_name="Чужой").count() == 0
    # a check constraint broken on POST: 422 with a Russian message, not 500, no error logged
    bad = {**body, "school": world.school_a.id, "class_group": world.class_a.id, "last_name": "Датов",
           "left_on": "2011-01-01"}
    response = client.post("/api/v1/test-pupils/", json=bad, headers=jwt)
    assert response.status_code == 422
    assert "проверку" in response.get_json()["message"]
    assert session.query(Pupil).filter_by(last_name="Датов").count() == 0
    response = client.post("/api/v1/test-pupils/", json={**bad, "left_on": None}, headers=jwt)
    assert response.status_code == 201


def test_script_in_a_pupil_name_is_shown_as_text(world, as_user, session):
    make_pupil(session, world.class_a, last_name="<script>alert(1)</script>")
    session.commit()
    page = as_user("secretary").get("/pupilview/list/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_too_large_upload_gets_a_russian_413(app, world, as_user):
    client = as_user("secretary")
    token = form_token(client, "/")
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/pupilview/add", data={"csrf_token": token, "blob": "x" * (limit + 1)})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Запрос слишком большой: допускается не более 10 МБ." in page  # a form field, no file


# --- which limit a 413 names: the one the form's user meets below it ----------------------------

PDF = b"%PDF-1.4\n% test\n"


def _over_the_request_limit(app) -> bytes:
    return PDF + b"0" * app.config["MAX_CONTENT_LENGTH"]


def _post_file(client, url: str, data: bytes, name: str, page: str, **fields):
    return client.post(url, data={"csrf_token": form_token(client, page), "file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def test_evidence_over_the_request_limit_is_told_the_5_mb_of_the_form(app, session, world, as_user):
    make_campaign(session)
    session.commit()
    page = f"/rollout/readiness/school/{world.school_a.id}"
    client = as_user("director")
    assert "не более 5 МБ" in client.get(page).get_data(as_text=True)  # what the form says
    response = _post_file(client, f"{page}/evidence/normative_acts", _over_the_request_limit(app), "Положение.pdf", page)
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "Файл слишком большой: допускается не более 5 МБ." in text and "10 МБ" not in text
    assert session.query(ReadinessEvidence).count() == 0


def test_a_material_over_the_request_limit_is_told_the_5_mb_of_the_form(app, session, world, as_user):
    client = as_user("methodist")
    response = _post_file(client, "/materialview/add", _over_the_request_limit(app), "Регламент.pdf",
                          "/materialview/add", title="Регламент")
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "Файл слишком большой: допускается не более 5 МБ." in text and "10 МБ" not in text
    assert session.query(Material).count() == 0

    material = Material(title="Регламент", published_on=dt.date(2012, 9, 1), filename="a.pdf",
                        content_type="application/pdf", data=PDF)
    session.add(material)
    session.commit()
    url = f"/materialview/edit/{material.id}"
    response = _post_file(client, url, _over_the_request_limit(app), "Новый.pdf", url, title="Новый")
    assert response.status_code == 413 and "не более 5 МБ" in response.get_data(as_text=True)
    session.expire_all()
    assert [(m.title, m.filename, m.data) for m in session.query(Material)] == [("Регламент", "a.pdf", PDF)]


def test_imports_over_the_request_limit_are_told_the_10_mb_they_take(app, session, world, as_user):
    """The class list and the monitoring import have no file limit of their own: the request's is theirs."""
    before = session.query(Pupil).count()
    client = as_user("secretary")
    response = _post_file(client, "/pupil-import/preview", _over_the_request_limit(app), "список.csv", "/pupil-import/")
    assert response.status_code == 413
    assert "Файл слишком большой: допускается не более 10 МБ." in response.get_data(as_text=True)
    assert session.query(Pupil).count() == before

    client = as_user("monitor")
    response = _post_file(client, "/monitoring/import", _over_the_request_limit(app), "сентябрь.csv",
                          "/monitoring/import", month="2012-09")
    assert response.status_code == 413
    assert "Файл слишком большой: допускается не более 10 МБ." in response.get_data(as_text=True)
    assert session.query(ImportBatch).count() == 0


def test_an_api_request_over_the_limit_gets_a_json_413(app, session, world, client):
    headers = {"Authorization": f"Bearer {api_token(client, 'monitor')}"}
    response = client.post("/api/v1/usage_snapshot/", data=b"{" + b" " * app.config["MAX_CONTENT_LENGTH"] + b"}",
                           content_type="application/json", headers=headers)
    assert response.status_code == 413
    assert response.get_json() == {"message": "Запрос слишком большой: допускается не более 10 МБ."}  # no file sent
    assert session.query(UsageSnapshot).count() == 0


def test_every_form_with_a_file_field_names_its_limit_on_413(app):
    """A form built with UploadField refuses files over app.uploads' limit; its add and edit
    endpoints must be registered with app.http.limit_uploads, or a 413 would name another limit."""
    limits = app.extensions[UPLOAD_LIMITS]
    assert set(limits) <= set(app.view_functions)
    for view in app.appbuilder.baseviews:
        for kind in ("add", "edit"):
            fields = getattr(view, f"{kind}_form_extra_fields", None) or {}
            if any(getattr(f, "field_class", None) is UploadField for f in fields.values()):
                assert limits.get(f"{view.endpoint}.{kind}") == uploads.MAX_UPLOAD_BYTES, (view.endpoint, kind)
    assert limits["ReadinessView.evidence_upload"] == uploads.MAX_UPLOAD_BYTES
