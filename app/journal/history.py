"""The change history of a journal cell (or of a lesson's topic and homework) for the administration."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import JournalChange, Lesson
from app.security.scope import Scope, visible
from app.i18n import N_, _

# Labels of the codes stored in journal_change, translated where a history is read.
ACTIONS = {"create": N_("выставлено"), "update": N_("изменено"), "delete": N_("удалено")}
ENTITIES = {"mark": N_("отметка"), "absence": N_("пропуск"), "period_mark": N_("итоговая отметка"),
            "topic": N_("тема урока"), "homework": N_("домашнее задание")}


def cell_history(session: Session, scope: Scope, lesson_id: int, pupil_id: int | None) -> list[dict] | None:
    """Changes of a cell, oldest first; pupil_id None = the lesson's topic and homework.

    None when the lesson is not visible to the user. Rows come from JournalChange, which keeps
    no foreign key to the changed row, so the history survives the deletion of a mark."""
    if session.scalar(select(Lesson.id).where(Lesson.id == lesson_id, visible(scope, Lesson))) is None:
        return None
    query = select(JournalChange).where(JournalChange.lesson_id == lesson_id, visible(scope, JournalChange))
    query = query.where(JournalChange.pupil_id == pupil_id) if pupil_id is not None \
        else query.where(JournalChange.pupil_id.is_(None))
    return [
        {
            "when": c.changed_at.strftime("%d.%m.%Y %H:%M:%S") if c.changed_at else "",
            "who": c.user_name, "ip": c.ip_address or "", "what": _(ENTITIES[c.entity]) if c.entity in ENTITIES else c.entity,
            "action": _(ACTIONS[c.action]) if c.action in ACTIONS else c.action, "old": c.old_value or "", "new": c.new_value or "",
            "reason": c.reason or "",
        }
        for c in session.scalars(query.order_by(JournalChange.changed_at, JournalChange.id))
    ]
