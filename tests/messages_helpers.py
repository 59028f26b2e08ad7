"""A small world of messages over tests.factories.build_world, named for the scope tests.

In the factories' world the teacher (Иванова) teaches 7А of СОШ № 1; Петрова teaches 8Б there;
the parent (Алексеев) is the guardian of Алексеева (7А, the pupil's login) and Алексеев (8Б);
Борисов (8Б) is another family's child; Васильев is in 7А of СОШ № 3. The threads:

- family: Алексеевой's parent and Иванова, not shown to the pupil;
- family_pupil: the same child and teacher, shown to the pupil;
- sibling: Алексеев (8Б) and Петрова;
- other_family: Борисов (8Б) and Петрова;
- class: Иванова's announcement to 7А, shown to pupils;
- school: the director's announcement to СОШ № 1's parents;
- far: Васильев's family and Сидорова in СОШ № 3.
Each thread has one message with a PDF file."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.models import Message, MessageAttachment, MessageThread, Staff

PDF = b"%PDF-1.4\n%%EOF\n"
SENT = dt.datetime(2012, 10, 18, 9, 0)
NAMES = ("family", "family_pupil", "sibling", "other_family", "class", "school", "far")


@dataclass
class Messages:
    threads: dict
    messages: dict
    files: dict


def staff_named(session, last_name: str) -> Staff:
    return session.query(Staff).filter_by(last_name=last_name).one()


def build_messages(session, world) -> Messages:
    director = staff_named(session, "Директорова")
    far_teacher = staff_named(session, "Сидорова")
    plans = {
        "family": dict(school_id=world.school_a.id, pupil_id=world.pupil_a.id, staff_id=world.teacher.id),
        "family_pupil": dict(school_id=world.school_a.id, pupil_id=world.pupil_a.id, staff_id=world.teacher.id,
                             include_pupil=True),
        "sibling": dict(school_id=world.school_a.id, pupil_id=world.sibling_a.id, staff_id=world.other_teacher.id),
        "other_family": dict(school_id=world.school_a.id, pupil_id=world.pupil_a_other.id,
                             staff_id=world.other_teacher.id),
        "class": dict(school_id=world.school_a.id, class_group_id=world.class_a.id, staff_id=world.teacher.id,
                      include_pupil=True),
        "school": dict(school_id=world.school_a.id, staff_id=director.id),
        "far": dict(school_id=world.school_b.id, pupil_id=world.pupil_b.id, staff_id=far_teacher.id),
    }
    threads, messages, files = {}, {}, {}
    for name, values in plans.items():
        thread = MessageThread(subject=f"Тема {name}", created_at=SENT, last_message_at=SENT, **values)
        message = Message(thread=thread, author_name="Иванова А.П., учитель", body=f"Текст {name}", created_at=SENT)
        attachment = MessageAttachment(message=message, filename=f"{name}.pdf", content_type="application/pdf",
                                       data=PDF)
        session.add_all([thread, message, attachment])
        threads[name], messages[name], files[name] = thread, message, attachment
    session.commit()
    return Messages(threads, messages, files)
