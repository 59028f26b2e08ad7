"""In a real browser: the municipal coordinator completes the plan and a school's readiness, and
the ministry user sees the municipality turn green on the control page."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from app import create_app
from app.extensions import db
from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, served
from tests.factories import PASSWORD, build_world
from tests.rollout_helpers import make_campaign, make_readiness, make_system

pytestmark = pytest.mark.e2e


@pytest.fixture
def rollout_server(sqlite_template, tmp_path, browser_type_launch_args):
    """The test world on a live server, "today" = 20.08.2012 (after the readiness deadline):
    Одинцовский has two schools; СОШ № 2 is ready on time, the plan and СОШ № 1 are empty."""
    path = tmp_path / "rollout.sqlite"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        world = build_world(db.session, app.appbuilder.sm)
        campaign = make_campaign(db.session)
        make_system(db.session)
        make_readiness(db.session, campaign, world.school_a2, on=dt.date(2012, 7, 25))
        db.session.commit()
        ids = {"municipality": world.municipality_a.id, "school": world.school_a.id}
        db.session.remove()
        db.engine.dispose()
    with served(url, tmp_path, today=dt.date(2012, 8, 20)) as server:
        server.ids = ids
        yield server


def sign_in(page, server, username):
    page.goto(f"{server.url}/logout/")
    page.goto(f"{server.url}/login/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/")


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def light_of(page, municipality_id):
    return page.locator(f'tr[data-municipality="{municipality_id}"] [data-light]').first.get_attribute("data-light")


def test_coordinator_completes_plan_and_readiness_and_ministry_sees_green(guarded_page, rollout_server):
    page, server = guarded_page, rollout_server
    mid = server.ids["municipality"]

    sign_in(page, server, "ministry")
    page.goto(f"{server.url}/rollout/control/")
    assert light_of(page, mid) == "red"

    sign_in(page, server, "municipal")
    # The menu entry «Внедрение → План внедрения и школы» leads here.
    assert page.locator('a[href="/rollout/municipality/"]').count() == 1
    page.goto(f"{server.url}/rollout/municipality/")
    page.wait_for_url(f"{server.url}/rollout/municipality/{mid}")
    assert_accessible(page)
    guide_shot(page, "municipal-1-overview")
    with page.expect_navigation():  # axe on a page being unloaded finds no document
        page.get_by_role("link", name="Заполнить план и ответственного").click()
    assert_accessible(page)
    page.fill("#approval_doc_number", "45-р")
    page.fill("#approval_doc_date", "28.06.2012")
    page.keyboard.press("Escape")  # the calendar closes; the typed date stays
    page.fill("#responsible_full_name", "Смирнова Ольга Викторовна")
    page.fill("#responsible_position", "начальник отдела информатизации")
    page.fill("#responsible_phone", "+7 (495) 123-45-67")
    page.fill("#responsible_email", "smirnova@example.test")
    page.fill("#responsible_appointed_on", "20.06.2012")
    page.keyboard.press("Escape")
    page.locator('#targets input[name="target_date"]').first.fill("01.09.2012")
    page.keyboard.press("Escape")
    page.locator('#targets input[name="share"]').first.fill("75")
    guide_shot(page, "municipal-2-plan")
    page.get_by_role("button", name="Сохранить план").click()
    page.wait_for_url(f"{server.url}/rollout/municipality/{mid}")
    page.get_by_text("План внедрения сохранён").wait_for()
    assert page.locator('#milestones tr[data-milestone="plan_approved"] td[data-status]').get_attribute("data-status") == "on_time"
    assert db_scalar(server, "SELECT responsible_full_name FROM rollout_plan WHERE municipality_id = :m",
                     m=mid) == "Смирнова Ольга Викторовна"

    with page.expect_navigation():  # axe on a page being unloaded finds no document
        page.get_by_role("link", name="СОШ № 1").click()
    assert_accessible(page)
    page.fill("#normative_acts_doc", "Положение об электронном журнале, приказ № 31")
    page.fill("#normative_acts_on", "10.07.2012")
    page.keyboard.press("Escape")
    page.select_option("#journal_system_id", label="Электронный журнал МО (Министерство образования МО)")
    page.fill("#system_chosen_on", "05.07.2012")
    page.keyboard.press("Escape")
    page.fill("#hardware_ready_on", "30.07.2012")
    page.keyboard.press("Escape")
    page.fill("#hardware_note", "12 ноутбуков, точка доступа")
    page.fill("#staff_trained", "28")
    page.fill("#staff_total", "28")
    page.fill("#staff_trained_on", "01.08.2012")
    page.keyboard.press("Escape")
    guide_shot(page, "municipal-3-readiness")
    page.get_by_role("button", name="Сохранить готовность").click()
    page.get_by_text("Готовность школы сохранена").wait_for()
    assert page.locator("h1 [data-light]").get_attribute("data-light") == "green"
    assert db_scalar(server, "SELECT staff_trained FROM school_readiness WHERE school_id = :s",
                     s=server.ids["school"]) == 28
    guide_shot(page, "municipal-4-green")

    sign_in(page, server, "ministry")
    page.goto(f"{server.url}/rollout/control/")
    assert light_of(page, mid) == "green"
    assert_accessible(page)
    guide_shot(page, "ministry-1-rollout")
    page.locator(f'tr[data-municipality="{mid}"] a').click()
    assert page.locator(f'#schools tr[data-school="{server.ids["school"]}"] [data-light]').get_attribute("data-light") == "green"
