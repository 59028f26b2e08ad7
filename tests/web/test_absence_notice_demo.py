"""The demo region has one parent's notice waiting for the demo class teacher (5А)."""
from tests.conftest import DEMO_PASSWORD, login


def test_demo_teacher_sees_the_demo_parents_pending_notice(demo_app):
    client = demo_app.test_client()
    login(client, "parent", DEMO_PASSWORD)
    family = client.get("/absence-notices/").get_data(as_text=True)
    assert "22.10.2012" in family and "Ждёт решения" in family
    client.get("/logout/")
    login(client, "teacher", DEMO_PASSWORD)
    today = client.get("/").get_data(as_text=True)
    assert "Заявления родителей об отсутствии" in today
    assert "22.10.2012" in today and "Попросить справку врача" in today
