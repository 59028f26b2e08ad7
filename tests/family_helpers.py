"""A 5А class of school_a whose families get diary access (app/accounts/families.py), a fake SMTP
relay, and a code login on the test client."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller

from app.models import ClassGroup, Guardian, Pupil
from app.security import roles as R
from tests.factories import make_class, make_guardian, make_pupil, make_user
from tests.security_helpers import LOGIN_TOKEN_RE
from tests.web.test_notifications import Inbox, free_port

# Codes are issued at this moment (UTC) in the tests: 19.10.2012, 13:30 in Moscow (UTC+4 in 2012).
NOW = dt.datetime(2012, 10, 19, 9, 30)
TODAY = NOW.date()
GOOD_PASSWORD = "Синий трамвай поёт утром"
SLIP_RE = re.compile(r'class="slip-login">([^<]+)</dd>\s*<dt>[^<]+</dt><dd class="slip-code">([^<]+)</dd>')


@dataclass
class FamilyClass:
    """5А of school_a, register order: Иванов Илья and Иванова Мария (twins: both parents, one of
    them with an e-mail), Кузнецов Дмитрий (his mother has an account already), Смирнова Екатерина
    (her father has an e-mail and a son in 7А, world.class_a), and Орлов Олег, who left in
    September (neither he nor his mother counts)."""

    klass: ClassGroup
    ilya: Pupil
    maria: Pupil
    dmitry: Pupil
    ekaterina: Pupil
    gleb: Pupil          # Смирнов Глеб, 7А
    left: Pupil
    ivanov: Guardian     # Иванов Пётр Сергеевич, ivanov@family.test
    ivanova: Guardian    # Иванова Ольга Николаевна, no e-mail
    kuznetsova: Guardian  # has the account «kuznetsova»
    smirnov: Guardian    # Смирнов Алексей Иванович, smirnov@family.test
    orlova: Guardian


def _pupil(session, klass, last, first, middle, **fields):
    pupil = make_pupil(session, klass, last)
    pupil.first_name, pupil.middle_name = first, middle
    for name, value in fields.items():
        setattr(pupil, name, value)
    session.flush()
    return pupil


def _guardian(session, children, last, first, middle, email=None, user=None):
    guardian = make_guardian(session, children, user, last, email=email)
    guardian.first_name, guardian.middle_name = first, middle
    session.flush()
    return guardian


def build_family_class(session, sm, world) -> FamilyClass:
    klass = make_class(session, world.school_a, world.year, 5, "А")
    ilya = _pupil(session, klass, "Иванов", "Илья", "Петрович")
    maria = _pupil(session, klass, "Иванова", "Мария", "Петровна")
    dmitry = _pupil(session, klass, "Кузнецов", "Дмитрий", "Андреевич")
    ekaterina = _pupil(session, klass, "Смирнова", "Екатерина", "Алексеевна")
    left = _pupil(session, klass, "Орлов", "Олег", "Игоревич", left_on=dt.date(2012, 9, 30))
    gleb = _pupil(session, world.class_a, "Смирнов", "Глеб", None)
    kuznetsova_user = make_user(session, sm, "kuznetsova", R.PARENT)
    family = FamilyClass(
        klass, ilya, maria, dmitry, ekaterina, gleb, left,
        ivanov=_guardian(session, [ilya, maria], "Иванов", "Пётр", "Сергеевич", "ivanov@family.test"),
        ivanova=_guardian(session, [ilya, maria], "Иванова", "Ольга", "Николаевна"),
        kuznetsova=_guardian(session, [dmitry], "Кузнецова", "Анна", "Викторовна", user=kuznetsova_user),
        smirnov=_guardian(session, [ekaterina, gleb], "Смирнов", "Алексей", "Иванович", "smirnov@family.test"),
        orlova=_guardian(session, [left], "Орлова", "Нина", "Павловна"),
    )
    session.commit()
    return family


@pytest.fixture
def smtp(app):
    """A local SMTP relay (the notifications tests' Inbox) the app sends through."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    controller.stop()


def slips_on(page: str) -> list[tuple[str, str]]:
    """(login, code) of every slip of a slips page, in order."""
    return SLIP_RE.findall(page)


def post_login(client, username: str, password: str):
    """The login form posted as a browser does (the password field may hold a one-time code)."""
    token = LOGIN_TOKEN_RE.search(client.get("/login/").get_data(as_text=True)).group(1)
    return client.post("/login/", data={"username": username, "password": password, "csrf_token": token})
