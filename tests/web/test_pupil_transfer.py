"""The transfer page (/pupil-classes/<pupil>/): the history, a transfer, a refusal, and who may."""
from __future__ import annotations

import datetime as dt

import pytest

from app.school import membership
from app.security import roles as R
from tests.conftest import csrf_token
from tests.factories import make_staff, make_user
from tests.membership_helpers import build_membership_world


@pytest.fixture
def mw(app, session):
    return build_membership_world(session, app.appbuilder.sm)


def url(mw, surname):
    return f"/pupil-classes/{mw.pupils[surname].id}/"


def test_the_page_shows_the_classes_with_their_dates_and_order(mw, as_user):
    page = as_user("secretary").get(url(mw, "Григорьев")).get_data(as_text=True)
    assert "Сейчас: 5Б" in page
    assert "<th scope=\"row\">5А</th><td>01.09.2012</td><td>14.10.2012</td><td></td><td></td>" in page
    assert "<th scope=\"row\">5Б</th><td>15.10.2012</td><td></td><td>17-у</td><td>заявление родителей</td>" in page


def test_the_director_moves_a_pupil_and_the_history_shows_it(session, mw, as_user):
    client = as_user("director")
    token = csrf_token(client, url(mw, "Анисимова"))
    reply = client.post(url(mw, "Анисимова"), data={"csrf_token": token, "class_group_id": str(mw.class_5b.id),
                                                     "on": "03.12.2012", "order_number": "25-у", "reason": ""})
    assert reply.status_code == 302
    page = client.get(url(mw, "Анисимова")).get_data(as_text=True)
    assert "Ученик переведён в класс 5Б с 03.12.2012." in page
    assert [(m.class_group_id, m.starts_on, m.ends_on) for m in membership.history(session, mw.pupils["Анисимова"].id)] \
        == [(mw.class_5a.id, dt.date(2012, 9, 1), dt.date(2012, 12, 2)), (mw.class_5b.id, dt.date(2012, 12, 3), None)]


@pytest.mark.parametrize("on, said", [("31.02.2012", "«31.02.2012» — не дата. Введите дату как 15.10.2012."),
                                      ("", "Укажите дату перевода, например 15.10.2012.")])
def test_a_wrong_date_is_refused_in_russian_and_changes_nothing(session, mw, as_user, on, said):
    client = as_user("secretary")
    token = csrf_token(client, url(mw, "Анисимова"))
    reply = client.post(url(mw, "Анисимова"), data={"csrf_token": token, "class_group_id": str(mw.class_5b.id),
                                                     "on": on, "order_number": "25-у"})
    assert reply.status_code == 400
    assert said in reply.get_data(as_text=True)
    assert len(membership.history(session, mw.pupils["Анисимова"].id)) == 1


def test_another_schools_administration_gets_404(session, mw, app, as_user):
    director_b = make_user(session, app.appbuilder.sm, "director_b", R.SCHOOL_ADMIN)
    make_staff(session, mw.w.school_b, "Директорова-Б", director_b, position="директор")
    session.commit()
    client = as_user("director_b")
    assert client.get(url(mw, "Анисимова")).status_code == 404
    token = csrf_token(client)
    reply = client.post(url(mw, "Анисимова"), data={"csrf_token": token, "class_group_id": str(mw.w.class_b.id),
                                                     "on": "03.12.2012", "order_number": "1"})
    assert reply.status_code == 404
    assert len(membership.history(session, mw.pupils["Анисимова"].id)) == 1


def test_marks_left_in_the_old_journal_are_announced(mw, as_user):
    client = as_user("secretary")
    token = csrf_token(client, url(mw, "Быков"))
    client.post(url(mw, "Быков"), data={"csrf_token": token, "class_group_id": str(mw.class_5b.id),
                                        "on": "12.03.2013", "order_number": "31-у"})
    page = client.get(url(mw, "Быков")).get_data(as_text=True)
    assert "В журнале 5А остались отметки и пропуски ученика с 12.03.2013: 1." in page
