"""The demo secretary replaces 5А's maths teacher for tomorrow from the class week (Friday
19.10.2012: tomorrow's maths is 5А's first lesson; the demo's 5А never has maths third), in two
clicks, and the substitute, signing in on Saturday, finds the lesson on «Сегодня». With
GUIDE_SCREENSHOTS=1 it takes the secretary guide's pictures (docs/img/secretary-6-substitute.png,
secretary-7-day.png, secretary-8-register.png)."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from app.demo import DEMO_DATE
from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, served, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

TOMORROW = DEMO_DATE + dt.timedelta(days=1)
SUBSTITUTE = "Никифорова"


def give_login(path, last_name: str, username: str) -> None:
    """An account for a demo teacher without one (the demo gives logins to one teacher only)."""
    from app import create_app
    from app.extensions import db
    from flask_appbuilder.security.sqla.models import User

    from app.models import Staff, UserScope
    from app.security import roles as R
    from tests.factories import make_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        school_id = db.session.query(UserScope.school_id).join(User, User.id == UserScope.user_id).filter(
            User.username == "secretary").scalar()
        staff = db.session.query(Staff).filter_by(school_id=school_id, last_name=last_name).one()
        user = make_user(db.session, app.appbuilder.sm, username, R.TEACHER)
        db.session.add(UserScope(user_id=user.id, school_id=staff.school_id))
        staff.user_id = user.id
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def demo_copy(demo_template, tmp_path, browser_type_launch_args):
    path = tmp_path / "live.sqlite"
    shutil.copy(demo_template, path)
    give_login(path, SUBSTITUTE, "nikiforova")
    return path


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_secretary_replaces_the_maths_teacher_from_the_class_week_and_the_substitute_sees_it(
        guarded_page, demo_copy, tmp_path):
    page = guarded_page
    url = f"sqlite:///{demo_copy}"
    friday = tmp_path / "friday"
    friday.mkdir()
    with served(url, friday) as server:
        class_5a = db_scalar(server, """SELECT c.id FROM class_group c JOIN user_scope s ON s.school_id = c.school_id
            JOIN ab_user u ON u.id = s.user_id WHERE u.username = 'secretary' AND c.grade = 5 AND c.letter = 'А'""")
        sign_in(page, server, "secretary")
        page.goto(f"{server.url}/timetable/class/{class_5a}")
        clicks = 0
        cell = page.locator(f'td.tt-cell[data-weekday="{TOMORROW.isoweekday()}"][data-lesson-number="1"]')
        assert "Математика" in cell.inner_text() and "Воронина Е.Д." in cell.inner_text()
        cell.get_by_role("link", name="Заменить урок: Математика, 20.10.2012, 1-й урок").click()
        clicks += 1
        page.wait_for_url("**/substitute/lesson?*")
        assert page.locator("h1").inner_text() == "Замена: 5А, 20.10.2012, 1-й урок"
        assert_accessible(page)
        first = page.locator(".sub-teachers").first.locator("li").first
        assert SUBSTITUTE in first.inner_text() and "уроков в этот день: 2" in first.inner_text()
        page.fill("#sub-teacher-reason", "болезнь учителя")
        guide_shot(page, "secretary-6-substitute")
        first.get_by_role("button", name="Назначить").click()
        clicks += 1
        page.wait_for_url("**/substitute/day?*")
        assert clicks < 5
        text = page.locator("main").inner_text()
        assert "Замена записана: 5А, 20.10.2012, 1-й урок ведёт Никифорова Д.Ю." in text
        row = page.locator("table.sub-table tbody tr").first.inner_text()
        assert "5А" in row and "Математика, Воронина Е.Д." in row and "Ведёт Никифорова Д.Ю." in row
        assert "болезнь учителя" in row
        assert_accessible(page)
        guide_shot(page, "secretary-7-day")
        # The class week shows the substitution in the cell.
        page.goto(f"{server.url}/timetable/class/{class_5a}")
        assert "Замена: Никифорова Д.Ю." in cell.inner_text()
        page.goto(f"{server.url}/substitute/register?month=10.2012")
        assert "Итого Никифорова Д.Ю.: 1 ч" in page.locator("main").inner_text()
        assert_accessible(page)
        guide_shot(page, "secretary-8-register")
        page.goto(f"{server.url}/logout/")

    saturday = tmp_path / "saturday"
    saturday.mkdir()
    with served(url, saturday, today=TOMORROW) as server:
        sign_in(page, server, "nikiforova", PASSWORD)
        today = page.locator("main").inner_text()
        assert "5А" in today and "Математика" in today and "Замена: вместо Воронина Е.Д." in today
        assert_accessible(page)
