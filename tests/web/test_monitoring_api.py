"""The usage snapshot API: vendors write only their own schools; scope on reads; 4xx, never 500."""
import pytest
from sqlalchemy import func, select

from app.models import ImportBatch, UsageSnapshot
from app.monitoring.indicators import compute_month
from tests.factories import PASSWORD
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world

URL = "/api/v1/usage_snapshot/"


@pytest.fixture
def mw(app, session):
    return build_monitoring_world(session, app.appbuilder.sm)


def token(client, username):
    response = client.post("/api/v1/security/login", json={"username": username, "password": PASSWORD, "provider": "db"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def body(school, **override):
    data = dict(school=school.id, month="2012-09-01", teachers_active=3, teachers_total=4, lessons_filled=9,
                lessons_due=10, marks_entered=40, marks_on_time=30, pupils_with_diary_access=60, pupils_total=100,
                diary_visits=250)
    data.update(override)
    return data


def test_vendor_submits_own_school(mw, client, session):
    headers = token(client, "vendor")
    response = client.post(URL, json=body(mw.b2), headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    snapshot = session.scalars(select(UsageSnapshot)).one()
    assert (snapshot.school_id, snapshot.source, snapshot.uses_system, snapshot.month) == (mw.b2.id, "imported", True, SEPTEMBER)
    batch = session.scalars(select(ImportBatch)).one()
    assert (batch.source, batch.uploaded_by_id) == ("api", mw.users["vendor"].id)
    listing = client.get(URL, headers=headers).json
    assert listing["count"] == 1 and listing["result"][0]["school"]["id"] == mw.b2.id
    again = client.put(f"{URL}{snapshot.id}", json={"lessons_filled": 5}, headers=headers)
    assert again.status_code == 200
    session.refresh(snapshot)
    assert (snapshot.lessons_filled, snapshot.uses_system) == (5, False)


def test_vendor_cannot_write_another_vendors_school(mw, client, session):
    headers = token(client, "other_vendor")
    response = client.post(URL, json=body(mw.b2), headers=headers)
    assert 400 <= response.status_code < 500
    assert session.scalar(select(func.count()).select_from(UsageSnapshot)) == 0
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_vendor_cannot_see_or_change_others_snapshots(mw, client, session):
    compute_month(session, SEPTEMBER)
    a1 = session.scalars(select(UsageSnapshot.id).where(UsageSnapshot.school_id == mw.a1.id)).one()
    headers = token(client, "vendor")
    assert client.get(URL, headers=headers).json["count"] == 0
    assert client.get(f"{URL}{a1}", headers=headers).status_code == 404
    assert client.put(f"{URL}{a1}", json={"lessons_filled": 0}, headers=headers).status_code == 404
    assert client.post(URL, json=body(mw.a1), headers=token(client, "monitor")).status_code == 422  # computed school


def test_coordinator_reads_own_municipality_only(mw, client, session):
    compute_month(session, SEPTEMBER)
    headers = token(client, "municipal")
    result = client.get(URL + "?q=(page_size:100)", headers=headers).json["result"]
    assert {r["school"]["id"] for r in result} == {mw.a1.id, mw.a2.id, mw.a3.id}
    assert client.post(URL, json=body(mw.b2), headers=headers).status_code in (401, 403)


def test_bad_input_is_4xx_never_500(mw, client, session):
    headers = token(client, "vendor")
    assert client.post(URL, json=body(mw.b2), headers=headers).status_code == 201
    duplicate = client.post(URL, json=body(mw.b2), headers=headers)
    assert duplicate.status_code == 422 and "уже есть" in duplicate.json["message"]
    assert client.get(f"{URL}99999999999999999999", headers=headers).status_code == 404
    assert client.put(f"{URL}99999999999999999999", json={"lessons_filled": 1}, headers=headers).status_code == 404
    assert client.post(URL, json=body(mw.b2, lessons_filled=11), headers=headers).status_code == 422
    assert client.post(URL, json=body(mw.b2, teachers_total=-1), headers=headers).status_code == 422
    assert session.scalar(select(func.count()).select_from(UsageSnapshot)) == 1


def test_openapi_spec_is_served(mw, client):
    response = client.get("/api/v1/_openapi", headers=token(client, "vendor"))
    assert response.status_code == 200
    assert "/api/v1/usage_snapshot/" in response.json["paths"]


def test_api_never_returns_pupil_data(mw, client, session):
    compute_month(session, SEPTEMBER)
    text = client.get(URL + "?q=(page_size:100)", headers=token(client, "ministry")).get_data(as_text=True)
    for word in ("Первый", "Второй", "2001-03-14", "birth"):
        assert word not in text
