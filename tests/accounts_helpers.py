"""Helpers of the account tests: more staff to give logins to, a vendor, the forms' requests, and a
local SMTP server for the e-mailed links."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from app.models import JournalSystem, Staff
from app.security import roles as R
from tests.factories import make_staff, make_user
from tests.security_helpers import form_token
from tests.family_helpers import smtp  # noqa: F401 (a fixture, shared with the family tests)


@dataclass
class People:
    """Staff without logins: Петрова (a teacher of school_a, with an e-mail), Кузнецова (the
    secretary's deputy, school_a), Смирнов (a deputy head, school_a), Сидорова (a teacher of
    school_b); and the journal system a vendor account may be given."""

    petrova: Staff
    kuznetsova: Staff
    smirnov: Staff
    sidorova: Staff
    system: JournalSystem


def add_people(session, sm, world) -> People:
    world.other_teacher.email = "petrova@school1.test"
    kuznetsova = make_staff(session, world.school_a, "Кузнецова", position="секретарь учебной части")
    kuznetsova.is_teacher = False
    smirnov = make_staff(session, world.school_a, "Смирнов", position="заместитель директора по УВР")
    sidorova = session.scalar(select(Staff).where(Staff.last_name == "Сидорова"))
    system = JournalSystem(name="Другой журнал", vendor="ООО «Поставщик»", is_own=False)
    session.add(system)
    session.flush()
    world.school_b.journal_system_id = system.id
    world.users["vendor"] = make_user(session, sm, "vendor", R.VENDOR, journal_system=system)
    session.commit()
    return People(petrova=world.other_teacher, kuznetsova=kuznetsova, smirnov=smirnov, sidorova=sidorova,
                  system=system)


def region_form(client, **fields):
    """POST the «Новая учётная запись» form (create), with a slip for the code unless told."""
    data = {"csrf_token": form_token(client), "full_name": "", "login": "", "email": "", "delivery": "slip",
            "create": "1", **{name: "" if value is None else str(value) for name, value in fields.items()}}
    return client.post("/accounts/new/", data=data)


def staff_form(client, *people: tuple[Staff, str, str], delivery: str = "slip"):
    """POST the staff accounts form for (staff, login, role) triples."""
    data = {"csrf_token": form_token(client), "staff": [str(staff.id) for staff, _, _ in people]}
    for staff, login, role in people:
        data.update({f"login-{staff.id}": login, f"role-{staff.id}": role, f"delivery-{staff.id}": delivery})
    return client.post("/staff-accounts/issue", data=data)


def user_id(session, login: str) -> int | None:
    session.expire_all()
    return session.scalar(select(User.id).where(User.username == login))


def page_text(response) -> str:
    """The page's visible text, spaces collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&nbsp;", " ")


CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")


def shown_codes(response) -> list[str]:
    """The one-time codes printed on a page (whatever the slips' layout)."""
    return CODE.findall(page_text(response))


def code_of(session, login: str, printed: list[str], now) -> str | None:
    """Which of the printed codes opens `login` (used up by the check; the test's own session)."""
    from app.accounts.codes import redeem

    for code in printed:
        if redeem(session, login, code, now) is not None:
            session.commit()
            return code
    return None
