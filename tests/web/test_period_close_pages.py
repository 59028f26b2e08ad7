"""The periods page and the close page of the administration: what is missing shown before the
close, an early close refused until confirmed with a reason, closes and reopens listed with who,
when and why, a future period without a close, and scope (another school's director: 404), on
SQLite and PostgreSQL. The world: tests.period_close_helpers."""
import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from app.models import PeriodCloseEvent, StudyPeriod
from tests.period_close_helpers import BEFORE, build_close_world
from tests.security_helpers import form_token

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
CLOSED_AT = dt.datetime(2012, 10, 19, 14, 5)


@pytest.fixture
def cw(app, session, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", BEFORE)
    monkeypatch.setattr("app.clock.region_now", lambda: CLOSED_AT)
    return build_close_world(session, app.appbuilder.sm)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def state(session, period):
    session.expire_all()
    return (session.get(StudyPeriod, period.id).locked_at,
            session.scalar(select(func.count()).select_from(PeriodCloseEvent)
                           .where(PeriodCloseEvent.study_period_id == period.id)))


def test_close_page_shows_what_is_missing_and_the_early_warning(cw, as_user):
    page = text_of(as_user("director").get(f"/journal/periods/{cw.first.id}/close").get_data(as_text=True))
    assert "Закрытие периода «1 четверть»" in page and "Сегодня 19.10.2012." in page
    assert "Учеников без итоговой отметки (по предметам): 4; уроков без темы: 3." in page
    assert "Иванова А.П. 2 1" in page and "Петрова А.П. 2 2" in page
    assert "7А Математика Иванова А.П. учеников: 2 Белова Ольга, Волков Пётр" in page
    assert "7А Английский язык Петрова А.П. учеников: 1 Белова Ольга" in page
    assert "7А Музыка Петрова А.П. уроков: 1 14.09.2012" in page
    assert "Музыка Петрова А.П. учеников" not in page
    assert "Период оканчивается 27.10.2012." in page and "Закрыть досрочно" in page


@pytest.mark.parametrize("database_engine", ENGINES)
def test_early_close_refused_then_closed_with_a_reason_and_reopened(cw, as_user, session, database_engine):
    director = as_user("director")
    url = f"/journal/periods/{cw.first.id}/lock"
    token = form_token(director, f"/journal/periods/{cw.first.id}/close")
    refused = director.post(url, data={"csrf_token": token, "action": "lock", "reason": "Приказ № 12"})
    assert refused.status_code == 400
    page = text_of(refused.get_data(as_text=True))
    assert "подтвердите досрочное закрытие и укажите причину" in page and "Приказ № 12" in page
    assert state(session, cw.first) == (None, 0)

    done = director.post(url, data={"csrf_token": token, "action": "lock", "early": "1",
                                    "reason": "Приказ № 12 о досрочном окончании четверти"})
    assert done.status_code == 302
    assert state(session, cw.first) == (CLOSED_AT, 1)
    periods = text_of(director.get("/journal/periods/").get_data(as_text=True))
    assert ("закрыт досрочно 19.10.2012 14:05, Тестов Director (director): "
            "«Приказ № 12 о досрочном окончании четверти»") in periods

    refused = director.post(url, data={"csrf_token": token, "action": "unlock", "reason": ""}, follow_redirects=True)
    assert "Чтобы открыть период «1 четверть» для изменений, укажите причину." in refused.get_data(as_text=True)
    assert state(session, cw.first) == (CLOSED_AT, 1)
    director.post(url, data={"csrf_token": token, "action": "unlock", "reason": "Исправить отметки"})
    assert state(session, cw.first) == (None, 2)
    periods = text_of(director.get("/journal/periods/").get_data(as_text=True))
    assert "открыт для изменений 19.10.2012 14:05, Тестов Director (director): «Исправить отметки»" in periods


def test_a_future_period_offers_no_close_and_refuses_one(cw, as_user, session):
    director = as_user("director")
    periods = director.get("/journal/periods/").get_data(as_text=True)
    row = re.search(rf'<tr id="period-{cw.second.id}">(.*?)</tr>', periods, re.S).group(1)
    assert "ещё не начался" in row and "Закрыть период" not in row
    token = form_token(director, "/journal/periods/")
    reply = director.post(f"/journal/periods/{cw.second.id}/lock",
                          data={"csrf_token": token, "action": "lock", "early": "1", "reason": "Приказ"})
    assert reply.status_code == 400 and "ещё не начался" in reply.get_data(as_text=True)
    assert state(session, cw.second) == (None, 0)


@pytest.mark.parametrize("database_engine", ENGINES)
def test_another_schools_director_gets_404(cw, as_user, session, database_engine):
    other = as_user("director_b")
    assert other.get(f"/journal/periods/{cw.first.id}/close").status_code == 404
    token = form_token(other, "/journal/periods/")
    for data in ({"action": "lock", "early": "1", "reason": "Приказ"}, {"action": "unlock", "reason": "Приказ"}):
        assert other.post(f"/journal/periods/{cw.first.id}/lock", data={"csrf_token": token, **data}).status_code == 404
    assert state(session, cw.first) == (None, 0)
    assert other.get(f"/journal/periods/{cw.first_b.id}/close").status_code == 200
    assert "1 четверть" in other.get("/journal/periods/").get_data(as_text=True)
