"""CSRF on forms and API writes, security headers, upload size limit, escaped HTML."""
from __future__ import annotations

from app.models import Pupil
from tests.factories import make_pupil
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
    assert "Файл слишком большой" in page and "МБ" in page
