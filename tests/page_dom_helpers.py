"""The DOM of the journal grid and the diary pages, normalised so that two renderings of the same
page compare equal however their markup is written.

`normalise(html)` parses with Python's html.parser into one line per node, indented by depth: an
element as its tag and sorted attributes, a text as its words in quotes (runs of white space as
one space); white space between tags is dropped. What changes from one run to the next is masked:
the CSP nonce and the CSRF token. `subtree(normalised, "main")` keeps the page's <main>: the grid's
and the diary's own DOM, without the layout's menu, which other changes move.

`pages(app, urls, password)` renders the pages of `demo_urls` (the demo region, as `make run`
serves it on 19.10.2012) or `world_urls` (a factory world with what the demo lacks) and returns
{name: normalised <main>}; tests/web/test_page_dom.py compares their digests with
tests/data/page_dom.json. To record them again after a change meant to show on these pages:

    .venv/bin/python -m tests.page_dom_helpers [DIR]   # rewrites tests/data/page_dom.json;
                                                       # DIR: also each normalised page, to diff
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import select

DATA = Path(__file__).resolve().parent / "data" / "page_dom.json"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
MASKED = {"nonce": "<nonce>"}
CSRF_NAMES = {"csrf_token", "csrf-token"}


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.open: list[str] = []

    def _element(self, tag: str, attrs) -> str:
        values = {key: value if value is not None else "" for key, value in attrs}
        for key in MASKED.keys() & values.keys():
            values[key] = MASKED[key]
        if values.get("name") in CSRF_NAMES and ("value" in values or "content" in values):
            values["value" if "value" in values else "content"] = "<csrf>"
        attributes = " ".join(f"{key}={json.dumps(values[key], ensure_ascii=False)}" for key in sorted(values))
        return "  " * len(self.open) + (f"<{tag} {attributes}>" if attributes else f"<{tag}>")

    def handle_starttag(self, tag, attrs):
        self.lines.append(self._element(tag, attrs))
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.lines.append(self._element(tag, attrs))

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        words = " ".join(data.split())
        if words:
            self.lines.append("  " * len(self.open) + json.dumps(words, ensure_ascii=False))


def normalise(html: str) -> str:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return "\n".join(tree.lines) + "\n"


def subtree(normalised: str, tag: str) -> str:
    """The first `tag` element of a normalised page with all it holds, dedented."""
    lines = normalised.splitlines()
    for start, line in enumerate(lines):
        element = line.lstrip()
        if element == f"<{tag}>" or element.startswith(f"<{tag} "):
            indent = len(line) - len(element)
            end = next((i for i in range(start + 1, len(lines)) if len(lines[i]) - len(lines[i].lstrip()) <= indent),
                       len(lines))
            return "\n".join(row[indent:] for row in lines[start:end]) + "\n"
    raise ValueError(f"no <{tag}> on the page")


def digest(normalised: str) -> str:
    return hashlib.sha256(normalised.encode()).hexdigest()


def demo_urls(session) -> dict[str, tuple[str, str]]:
    """{name: (login, URL)}: the demo teacher's grid of 5А mathematics (1st quarter, and the 2nd,
    whose lessons are still empty), the same grid as the director sees it, and the demo parent's
    diary week and progress of both children (the week of 15.10.2012, a week of September, the
    quarter and the year)."""
    from app.models import ClassGroup, Guardian, GuardianLink, Pupil, Staff, StudyPeriod, Subject, TeachingAssignment

    teacher = session.scalar(select(Staff).where(Staff.user.has(username="teacher")))
    five_a = session.scalar(select(ClassGroup).where(ClassGroup.school_id == teacher.school_id,
                                                     ClassGroup.grade == 5, ClassGroup.letter == "А"))
    maths = session.scalar(select(TeachingAssignment).join(Subject).where(
        TeachingAssignment.teacher_id == teacher.id, TeachingAssignment.class_group_id == five_a.id,
        Subject.name == "Математика"))
    first, second = session.scalars(select(StudyPeriod).where(
        StudyPeriod.school_id == five_a.school_id, StudyPeriod.academic_year_id == five_a.academic_year_id,
        StudyPeriod.number.in_((1, 2)))
        .order_by(StudyPeriod.number)).all()
    parent = session.scalar(select(Guardian).where(Guardian.email == "parent@demo.mosreg.local"))
    children = session.scalars(select(Pupil).join(GuardianLink).where(GuardianLink.guardian_id == parent.id)
                               .order_by(Pupil.id)).all()
    urls = {
        "grid-5a-maths-q1-teacher": ("teacher", f"/journal/{maths.id}/?period={first.id}"),
        "grid-5a-maths-q2-teacher": ("teacher", f"/journal/{maths.id}/?period={second.id}"),
        "grid-5a-maths-q1-director": ("director", f"/journal/{maths.id}/?period={first.id}"),
    }
    for child in children:
        grade = session.get(ClassGroup, child.class_group_id).grade
        urls |= {
            f"diary-week-grade{grade}": ("parent", f"/diary/{child.id}/"),
            f"diary-week-grade{grade}-september": ("parent", f"/diary/{child.id}/?date=2012-09-12"),
            f"diary-progress-grade{grade}": ("parent", f"/diary/{child.id}/progress/"),
            f"diary-progress-grade{grade}-year": ("parent", f"/diary/{child.id}/progress/?period=year"),
        }
    return urls


ODD_NAME = 'О\'Нил <b>"Ко"</b> & Ли'
ODD_TOPIC = 'Дроби <script>alert("x")</script> & \'доли\''
ODD_HOMEWORK = 'Стр. 40 <i>№ 15</i> & "16"'
ODD_COMMENT = 'Молодец <b>"5"</b> & всё'
ODD_ROOM = 'Зал "А" <1>'
TODAY = dt.date(2012, 10, 19)


def world_urls(session, sm) -> dict[str, tuple[str, str]]:
    """The diary week of tests.diary_helpers (a substitution, a cancelled lesson, an absence) with
    what the demo lacks: a pupil's name, a topic, homework, a mark's comment and a room with quotes,
    angle brackets and ampersands, two marks in one cell, a late arrival with a mark, and the
    teacher as the class teacher who reads the Russian journal of the class read-only.
    {name: (login, URL)}, as `demo_urls`; committed."""
    from app.models import Absence, Homework, Mark, MarkType, Room, StudyPeriod
    from tests.diary_helpers import build_diary_week, day
    from tests.factories import build_world, make_mark, make_pupil

    w = build_world(session, sm)
    d = build_diary_week(session, w)
    types = {t.short_name: t for t in session.scalars(select(MarkType))}
    lessons = d.lessons
    odd = make_pupil(session, w.class_a, ODD_NAME)
    lessons["mon1"].topic = ODD_TOPIC
    session.scalar(select(Homework).where(Homework.lesson_id == lessons["mon1"].id)).text = ODD_HOMEWORK
    session.scalar(select(Mark).where(Mark.lesson_id == lessons["mon1"].id, Mark.pupil_id == w.pupil_a.id,
                                      Mark.value == 5)).comment = ODD_COMMENT
    room = Room(school_id=w.school_a.id, name=ODD_ROOM)
    session.add(room)
    session.flush()
    lessons["tue2"].room_id = room.id
    make_mark(session, lessons["tue2"], w.pupil_a, 3, types["отв"], position=0)
    make_mark(session, lessons["tue2"], w.pupil_a, 5, types["с/р"], position=1)
    make_mark(session, lessons["mon1"], odd, 4, types["отв"])
    session.add(Absence(lesson_id=lessons["mon1"].id, pupil_id=odd.id, code="оп"))
    session.add(Absence(lesson_id=lessons["tue2"].id, pupil_id=odd.id, code="н"))
    w.class_a.class_teacher_id = w.teacher.id
    first = session.scalar(select(StudyPeriod).where(StudyPeriod.school_id == w.school_a.id, StudyPeriod.number == 1))
    session.commit()
    return {
        "world-grid-maths-teacher": ("teacher", f"/journal/{d.maths.id}/?period={first.id}"),
        "world-grid-russian-class-teacher": ("teacher", f"/journal/{d.russian.id}/?period={first.id}"),
        "world-diary-week": ("parent", f"/diary/{w.pupil_a.id}/?date={day(0).isoformat()}"),
        "world-diary-progress": ("parent", f"/diary/{w.pupil_a.id}/progress/?period={first.id}"),
    }


def pages(app, urls: dict[str, tuple[str, str]], password: str) -> dict[str, str]:
    """{name: the normalised <main> of the page} of `urls`, each fetched by its login with the test
    client, on the demo's day (19.10.2012)."""
    from tests.conftest import login

    app.config["TODAY"] = TODAY
    client = app.test_client()
    found, signed_in = {}, None
    for name, (username, url) in urls.items():
        if username != signed_in:
            client.get("/logout/")
            login(client, username, password)
            signed_in = username
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        found[name] = subtree(normalise(response.get_data(as_text=True)), "main")
    return found


def _app_on(url: str):
    from app import create_app
    from tests.conftest import _fresh_g_per_request, _migrate

    _migrate(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    _fresh_g_per_request(app)
    return app


def _record(out: Path | None = None) -> None:
    """Render the pages on a fresh demo region and a fresh factory world and write their digests
    to DATA; with `out`, also each normalised page to OUT/<name>.txt (to diff two checkouts)."""
    import tempfile

    from app.demo import load_demo
    from app.extensions import db
    from tests.conftest import DEMO_PASSWORD
    from tests.factories import PASSWORD

    def demo(app):
        load_demo(db.session, app.appbuilder.sm, password=DEMO_PASSWORD)
        return demo_urls(db.session)

    def world(app):
        return world_urls(db.session, app.appbuilder.sm)

    found = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, urls, password in (("demo", demo, DEMO_PASSWORD), ("world", world, PASSWORD)):
            app = _app_on(f"sqlite:///{folder}/{name}.sqlite")
            with app.app_context():
                found |= pages(app, urls(app), password)
                db.session.remove()
                db.engine.dispose()

    DATA.parent.mkdir(exist_ok=True)
    DATA.write_text(json.dumps({name: digest(page) for name, page in found.items()}, indent=1) + "\n")
    for name, page in found.items():
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{name}.txt").write_text(page, encoding="utf-8")
        print(name, digest(page))


if __name__ == "__main__":
    import sys

    _record(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
