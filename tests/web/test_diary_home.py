"""The diary is the home page of parents and pupils: `/` is the week of the (first) child at its
landing day (app.diary.landing), and the landing counts as one diary visit.

The world of tests.diary_helpers: the week of 17–22.09.2012 of pupil_a (7А), quarters from
01.09.2012."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from app import clock
from app.models import DiarySeen, DiaryVisit, Homework, Mark
from tests.diary_helpers import add_holiday, build_diary_week, day, sign_in
from tests.factories import make_catalogues


@pytest.fixture
def diary(session, world):
    return build_diary_week(session, world)


def landing_card(page: str) -> str:
    """The heading of the card marked as the landing day."""
    found = re.findall(r'<section class="diary-day[^"]* is-landing".*?<h3[^>]*>\s*(.*?)\s*<', page, re.S)
    assert len(found) == 1, found
    return found[0]


def test_parent_lands_on_todays_card_and_the_landing_is_one_visit(app, client, session, world, diary, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", day(2))  # Wednesday 19.09.2012
    sign_in(client, "parent")
    home = client.get("/")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert landing_card(page) == "Среда, 19 сентября"
    assert "diary-landing-note" not in page
    session.expire_all()
    assert session.execute(select(DiaryVisit.pupil_id, DiaryVisit.day, DiaryVisit.visits)).all() == [
        (world.pupil_a.id, day(2), 1)]
    # The other child, one tap away, opens at today as well.
    other = client.get(f"/diary/{world.sibling_a.id}/").get_data(as_text=True)
    assert landing_card(other) == "Среда, 19 сентября"
    # A week asked for by date has no landing card.
    assert " is-landing" not in client.get(f"/diary/{world.pupil_a.id}/?date={day(0).isoformat()}").get_data(as_text=True)


def test_pupil_lands_on_monday_on_sunday_and_after_holidays_saying_so(app, client, session, world, diary, monkeypatch):
    sign_in(client, "pupil")
    monkeypatch.setitem(app.config, "TODAY", day(6))  # Sunday 23.09.2012
    page = client.get("/").get_data(as_text=True)
    assert landing_card(page) == "Понедельник, 24 сентября"

    add_holiday(session, world.school_a, world.year, "Осенние каникулы", day(7), day(12))  # 24–29.09
    monkeypatch.setitem(app.config, "TODAY", day(8))
    page = client.get("/").get_data(as_text=True)
    assert landing_card(page) == "Понедельник, 1 октября"
    assert "Сейчас каникулы (Осенние каникулы). Дневник открыт на первом учебном дне после них — 01.10.2012." in page


def test_new_marks_are_labelled_for_the_family_and_the_view_is_stamped(app, client, session, world, diary, monkeypatch):
    moment = {"now": dt.datetime(2012, 9, 18, 18, 0)}
    monkeypatch.setattr(clock, "region_now", lambda: moment["now"])
    for table in (Mark.__table__, Homework.__table__):
        session.execute(table.update().values(created_at=dt.datetime(2012, 9, 17, 15, 0),
                                              changed_at=dt.datetime(2012, 9, 17, 15, 0)))
    session.commit()
    url = f"/diary/{world.pupil_a.id}/?date={day(0).isoformat()}"
    sign_in(client, "parent")
    first = client.get(url).get_data(as_text=True)
    assert "diary-new" not in first and " is-new" not in first, "a first visit shows nothing as new"

    types = make_catalogues(session)
    session.add(Mark(lesson_id=diary.lessons["tue2"].id, pupil_id=world.pupil_a.id, value=3, mark_type_id=types["отв"].id,
                     position=0, created_at=dt.datetime(2012, 9, 19, 12, 0), changed_at=dt.datetime(2012, 9, 19, 12, 0)))
    session.commit()
    moment["now"] = dt.datetime(2012, 9, 19, 19, 0)
    page = client.get(url).get_data(as_text=True)
    assert page.count('<span class="label diary-new">новое</span>') == 1
    assert re.findall(r'diary-mark mark-(\d) is-new', page) == ["3"]
    session.expire_all()
    assert session.execute(select(DiarySeen.seen_at, DiarySeen.new_since).where(
        DiarySeen.user_id == world.users["parent"].id)).all() == [
        (dt.datetime(2012, 9, 19, 19, 0), dt.datetime(2012, 9, 18, 18, 0))]

    # Staff reading the diary see no family's «новое» and leave no stamp.
    sign_in(client, "admin")
    assert "diary-new" not in client.get(url).get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(DiarySeen)) == 1
