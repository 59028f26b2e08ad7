"""The light's thresholds page (the monitoring role edits them, with history), the municipality's
page graded as the control page is, and the share chart drawn in order of share."""
import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from app.models import LightThreshold
from app.monitoring import imports
from app.monitoring.indicators import compute_month
from app.security.scope import load_scope
from tests.conftest import csrf_token
from tests.factories import make_school
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world, import_rows
from tests.rollout_helpers import READINESS_DUE, make_campaign, make_readiness

D = dt.date


@pytest.fixture
def app(app):
    app.config["TODAY"] = D(2012, 8, 15)
    return app


@pytest.fixture
def odintsovo(session, world):
    """Одинцовский: no plan; of its schools (№ 1, № 2 and eight more) nine ready on time, one not:
    90 % on every school item -> yellow by the defaults, but red for the missing plan."""
    campaign = make_campaign(session)
    schools = [world.school_a, world.school_a2] + [make_school(session, world.municipality_a, f"СОШ № {n}")
                                                   for n in range(3, 11)]
    for school in schools[1:]:
        make_readiness(session, campaign, school, on=READINESS_DUE)
    session.commit()
    return campaign


def _post(client, path, data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def test_monitor_changes_the_thresholds_and_the_control_page_follows(odintsovo, as_user, session):
    client = as_user("monitor")
    assert 'href="/rollout/control/thresholds"' in client.get("/").get_data(as_text=True)  # the menu
    page = client.get("/rollout/control/").get_data(as_text=True)
    assert "не менее 95 % школ" in page and "Изменить пороги светофора" in page
    assert "Пороги не менялись" in client.get("/rollout/control/thresholds").get_data(as_text=True)
    response = _post(client, "/rollout/control/thresholds", {"green": "90", "yellow": "60"})
    assert response.status_code == 302
    page = client.get("/rollout/control/thresholds").get_data(as_text=True)
    assert "Пороги светофора изменены" in page
    history = page[page.index('id="light-threshold-history"'):]
    assert re.search(r"<td>15\.08\.2012 \d\d:\d\d</td>|<td>\d\d\.\d\d\.\d{4} \d\d:\d\d</td>", history)
    assert "Monitor" in history and ">90<" in history and ">60<" in history
    assert "не менее 90 % школ" in client.get("/rollout/control/").get_data(as_text=True)


@pytest.mark.parametrize("green, yellow, message", [
    ("101", "75", "Зелёный: введите число от 0 до 100."),
    ("80", "90", "Порог жёлтого (90 %) не может быть выше порога зелёного (80 %)."),
])
def test_wrong_thresholds_are_refused_in_russian(odintsovo, as_user, session, green, yellow, message):
    client = as_user("monitor")
    response = _post(client, "/rollout/control/thresholds", {"green": green, "yellow": yellow})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and "Ничего не сохранено" in page
    assert f'value="{green}"' in page  # what was typed stays in the form
    assert session.scalar(select(func.count()).select_from(LightThreshold)) == 0


def test_only_the_monitoring_role_edits_the_thresholds(odintsovo, as_user):
    for user in ("ministry", "municipal"):
        client = as_user(user)
        assert client.get("/rollout/control/thresholds").status_code in (302, 403), user
        assert "Изменить пороги светофора" not in client.get("/rollout/control/").get_data(as_text=True)


def test_municipality_page_is_graded_as_the_control_page(odintsovo, world, as_user):
    client = as_user("municipal")
    page = client.get(f"/rollout/municipality/{world.municipality_a.id}").get_data(as_text=True)
    assert re.search(r'<h1[^>]*>[^<]*<span class="rollout-status lt-red" data-light="red">', page)
    assert "из 10 школ: в срок — 9, просрочено — 1 (на 14 дн.)" in page
    assert 'data-milestone="hardware_ready" data-light="yellow"' in page
    # The schools' own table in the natural order of names.
    schools = re.findall(r'<tr data-school="\d+">\s*<th scope="row"><a [^>]*>([^<]*)</a>', page)
    assert schools == [f"СОШ № {n}" for n in range(1, 11)]


def test_share_chart_draws_the_lowest_share_first(app, session, as_user):
    world = build_monitoring_world(session, app.appbuilder.sm)
    compute_month(session, SEPTEMBER, as_of=D(2012, 10, 1))   # this file's today is in August
    monitor = load_scope(session, world.users["monitor"])
    imports.apply_import(session, monitor, imports.validate(session, monitor, SEPTEMBER,
                                                            import_rows(world, lessons_filled=5)), user_id=None)
    page = as_user("ministry").get("/monitoring/dashboard?month=2012-09").get_data(as_text=True)
    table = page[page.index('id="shares-table"'):]
    # Альфинский 1 of 2 (50 %), Бетинский 0 of 3 (0 %: B2 imported, not using): the lower first.
    assert re.findall(r'<tr data-label="([^"]+)"', table)[:2] == ["Бетинский район", "Альфинский район"]
    assert 'data-word-target="цель"' in page and 'data-word-no-data="нет данных"' in page
