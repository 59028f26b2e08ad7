"""A pupil's guardians: list them, link a new or known guardian, remove a link.

The guardian and the link are written in one transaction, so a new guardian is never left
without a child of the school (and so outside every scope). Out of scope means NotInScope."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.security.clauses import NotInScope
from app.models import Guardian, GuardianLink, Pupil
from app.models.people import DEFAULT_RELATION
from app.security.scope import Scope, changeable, visible
from app.i18n import _
from app.timetable.pupil_import import EMAIL, normalize_phone, split_name

MAX_RELATION = 30


@dataclass(frozen=True)
class GuardianForm:
    """The add form as typed: either `guardian_id` (a known guardian) or the new person's fields."""

    relation: str = ""
    guardian_id: str = ""
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    phone: str = ""
    email: str = ""


def guardian_links(session: Session, scope: Scope, pupil_id) -> list[GuardianLink]:
    """The pupil's guardian links the user may see, by guardian id."""
    return list(session.scalars(
        select(GuardianLink).where(GuardianLink.pupil_id == pupil_id, visible(scope, GuardianLink))
        .order_by(GuardianLink.guardian_id)))


def changeable_pupil(session: Session, scope: Scope, pupil_id: int) -> Pupil:
    pupil = session.scalars(select(Pupil).where(Pupil.id == pupil_id, changeable(scope, Pupil))).first()
    if pupil is None:
        raise NotInScope()
    return pupil


def known_guardians(session: Session, scope: Scope, pupil: Pupil) -> list[Guardian]:
    """Guardians the user sees who are not yet linked to `pupil` (e.g. a sibling's), by surname."""
    linked = {link.guardian_id for link in pupil.guardian_links}
    rows = session.scalars(
        select(Guardian).where(visible(scope, Guardian)).order_by(Guardian.last_name, Guardian.first_name))
    return [g for g in rows if g.id not in linked]


def add_guardian(session: Session, scope: Scope, pupil_id: int, form: GuardianForm) -> tuple[Guardian, Pupil]:
    """Link a known guardian (NotInScope if not among known_guardians) or a new one to the pupil;
    commits. DomainError (nothing written) for a relation over 30 characters, a name without
    surname and first name, a phone that is no Russian number or a misspelt e-mail."""
    try:
        pupil = changeable_pupil(session, scope, pupil_id)
        relation = form.relation.strip() or DEFAULT_RELATION
        if len(relation) > MAX_RELATION:
            raise DomainError(_("Степень родства — не длиннее 30 знаков."))
        if form.guardian_id:
            guardian = next((g for g in known_guardians(session, scope, pupil) if str(g.id) == form.guardian_id), None)
            if guardian is None:
                raise NotInScope()
        else:
            guardian = _new_guardian(form)
            session.add(guardian)
        session.add(GuardianLink(pupil_id=pupil.id, guardian=guardian, relation=relation))
        session.commit()
    except Exception:
        session.rollback()
        raise
    return guardian, pupil


def _new_guardian(form: GuardianForm) -> Guardian:
    name = split_name(" ".join(part.strip() for part in (form.last_name, form.first_name, form.middle_name)))
    if name is None:
        raise DomainError(_("Укажите фамилию и имя родителя (буквами) или выберите уже известного родителя."))
    phone_text, email = form.phone.strip(), form.email.strip()
    phone = normalize_phone(phone_text) if phone_text else None
    if phone_text and phone is None:
        raise DomainError(_("Телефон «%(v)s»: нужен российский номер из 10 цифр после +7.", v=phone_text))
    if email and not EMAIL.match(email):
        raise DomainError(_("E-mail «%(v)s» написан с ошибкой.", v=email))
    return Guardian(last_name=name[0], first_name=name[1], middle_name=name[2], phone=phone, email=email or None)


def remove_guardian(session: Session, scope: Scope, pupil_id: int, guardian_id: int) -> Pupil:
    """Remove the link; a guardian left with no child goes too. Commits; NotInScope for a pupil out
    of scope or a link that does not exist."""
    try:
        pupil = changeable_pupil(session, scope, pupil_id)
        link = session.get(GuardianLink, (pupil.id, guardian_id))
        if link is None:
            raise NotInScope()
        guardian = link.guardian
        session.delete(link)
        session.flush()
        if not guardian.links:  # nobody else's guardian: the person leaves with the last link
            session.delete(guardian)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return pupil
