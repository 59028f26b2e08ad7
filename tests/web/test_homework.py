"""Homework given from the journal's lesson panel: the due day (by default the next lesson), who it
is for, its files, the refusals, the history, and where the grid and the diary show it.
The world: tests/homework_helpers.py (7А's mathematics on Mondays and Thursdays)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.models import ClassGroup, Homework, HomeworkFile, JournalChange
from tests.conftest import csrf_token
from tests.diary_helpers import sign_in
from tests.factories import make_assignment, make_class, make_lesson, make_subject
from tests.homework_helpers import GIVEN, NEXT, add_tasks, build_homework_world, pdf, tasks_of
from tests.journal_helpers import post_form

URL = "/journal/api/homework"


@pytest.fixture
def hw(app, session, world):
    return build_homework_world(session, app.appbuilder.sm, world)


@pytest.fixture
def teacher(client, hw):
    sign_in(client, "teacher")
    client.token = csrf_token(client, f"/journal/{hw.assignment.id}/")
    return client


def give(client, lesson, text="№ 5, 6", *, audience="class", due="", version="", files=(), remove=()):
    body = {"lesson_id": str(lesson.id), "audience": audience, "text": text, "due_on": due, "version": version,
            "files": [(io.BytesIO(data), name) for name, data in files], "remove_files": [str(i) for i in remove]}
    return post_form(client, client.token, URL, body)


def counts(session) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (Homework, HomeworkFile, JournalChange))


def test_the_panel_offers_the_next_lesson_and_who_the_task_may_be_for(session, hw, teacher):
    reply = teacher.get(f"/journal/api/lesson/{hw.w.lesson_a.id}/homework")
    assert reply.status_code == 200
    lesson = reply.get_json()["lesson"]
    assert lesson["default_due"] == "13.09.2012" and lesson["editable"] and lesson["refusal"] == ""
    assert [(a["key"], a["label"]) for a in lesson["audiences"]] == [
        ("class", "Весь класс 7А"), (f"subgroup:{hw.group.id}", "Подгруппа «Группа 1»"),
        (f"pupil:{hw.w.pupil_a.id}", "Алексеева Мария"), (f"pupil:{hw.classmate.id}", "Григорьев Мария")]
    assert lesson["homework"] == []


def test_teacher_gives_homework_due_the_next_lesson_with_a_file_and_the_diary_shows_it_that_day(
        client, session, hw, teacher):
    reply = give(teacher, hw.w.lesson_a, files=[("Задачи.pdf", pdf())])
    assert reply.status_code == 200, reply.get_data(as_text=True)
    [task] = reply.get_json()["lesson"]["homework"]
    assert (task["audience"], task["text"], task["due_on"], task["version"]) == ("class", "№ 5, 6", "13.09.2012", 1)
    assert [(f["name"], f["size_bytes"]) for f in task["files"]] == [("Задачи.pdf", len(pdf()))]
    [row] = tasks_of(session, hw.w.lesson_a)
    assert (row.due_on, row.class_group_id, row.subgroup_id, row.pupil_id) == (NEXT, hw.w.class_a.id, None, None)
    [change] = session.scalars(select(JournalChange).where(JournalChange.entity == "homework"))
    assert (change.action, change.lesson_id, change.new_value) == (
        "create", hw.w.lesson_a.id, "№ 5, 6 (к 13.09.2012; файлы: Задачи.pdf)")

    # The grid shows it on the lesson where it was given.
    grid = teacher.get(f"/journal/{hw.assignment.id}/").get_data(as_text=True)
    assert f'class="lesson has-homework" data-lesson="{hw.w.lesson_a.id}"' in grid
    assert 'title="Тема не записана. Д/з: № 5, 6"' in grid

    # The diary shows it on the day it is due, at that day's mathematics, and serves the file.
    sign_in(client, "parent")
    page = client.get(f"/diary/{hw.w.pupil_a.id}/?date={GIVEN.isoformat()}").get_data(as_text=True)
    thursday = page[page.index("Четверг, 13 сентября"):page.index("Пятница, 14 сентября")]
    monday = page[page.index("Понедельник, 10 сентября"):page.index("Вторник, 11 сентября")]
    assert "№ 5, 6" in thursday and "(задано 10.09)" in thursday and "Д/з к уроку:" in thursday
    assert "№ 5, 6" not in monday
    file_id = task["files"][0]["id"]
    assert f'href="/homework/file/{file_id}" download>Задачи.pdf</a>' in thursday
    download = client.get(f"/homework/file/{file_id}")
    assert download.status_code == 200 and download.data == pdf()
    assert download.mimetype == "application/pdf"
    assert "filename*=UTF-8''%D0%97%D0%B0%D0%B4%D0%B0%D1%87%D0%B8.pdf" in download.headers["Content-Disposition"]


def test_a_due_day_typed_must_be_a_later_day_with_a_lesson(session, hw, teacher):
    lesson = hw.w.lesson_a
    before = counts(session)
    tuesday = give(teacher, lesson, due="11.09.2012")
    assert tuesday.status_code == 400
    assert tuesday.get_json()["error"] == ("11.09.2012 у 7А нет урока «Математика»: задание задаётся к уроку. "
                                           "Ближайший урок — 13.09.2012.")
    same_day = give(teacher, lesson, due="10.09.2012")
    assert same_day.get_json()["error"] == "Задание к уроку позже 10.09.2012: укажите срок после дня урока."
    for typed in ("31.02.2012", "завтра"):
        refused = give(teacher, lesson, due=typed)
        assert refused.status_code == 400
        assert refused.get_json()["error"].startswith(f"Срок «{typed}» не распознан: укажите дату как ДД.ММ.ГГГГ")
    assert counts(session) == before
    later = give(teacher, lesson, due="17.09.2012")
    assert later.status_code == 200 and later.get_json()["lesson"]["homework"][0]["due_on"] == "17.09.2012"


def test_a_task_is_changed_its_file_removed_and_removed_with_the_empty_text(session, hw, teacher):
    lesson = hw.w.lesson_a
    first = give(teacher, lesson, "стр. 5 \r\nупр. 3", files=[("a.pdf", pdf("a")), ("b.pdf", pdf("b"))])
    [task] = first.get_json()["lesson"]["homework"]
    assert task["text"] == "стр. 5\nупр. 3"
    a, b = (f["id"] for f in task["files"])
    changed = give(teacher, lesson, "стр. 6", due=task["due_on"], version=str(task["version"]), remove=[a])
    assert changed.status_code == 200
    [task] = changed.get_json()["lesson"]["homework"]
    assert (task["text"], task["version"], [f["id"] for f in task["files"]]) == ("стр. 6", 2, [b])
    stale = give(teacher, lesson, "стр. 7", version="1")
    assert stale.status_code == 409 and stale.get_json()["code"] == "stale"
    assert stale.get_json()["lesson"]["homework"][0]["text"] == "стр. 6"
    removed = give(teacher, lesson, "", version="2")
    assert removed.status_code == 200 and removed.get_json()["lesson"]["homework"] == []
    assert counts(session)[:2] == (0, 0)
    history = [(c.action, c.old_value, c.new_value) for c in session.scalars(
        select(JournalChange).where(JournalChange.entity == "homework").order_by(JournalChange.id))]
    assert history == [
        ("create", None, "стр. 5\nупр. 3 (к 13.09.2012; файлы: a.pdf, b.pdf)"),
        ("update", "стр. 5\nупр. 3 (к 13.09.2012; файлы: a.pdf, b.pdf)", "стр. 6 (к 13.09.2012; файлы: b.pdf)"),
        ("delete", "стр. 6 (к 13.09.2012; файлы: b.pdf)", None),
    ]


def test_a_subgroup_and_one_pupil_get_their_own_tasks(session, hw, teacher):
    lesson = hw.w.lesson_a
    assert give(teacher, lesson, "Слова", audience=f"subgroup:{hw.group.id}").status_code == 200
    reply = give(teacher, lesson, "Доклад", audience=f"pupil:{hw.classmate.id}")
    assert reply.status_code == 200
    assert [(t["audience"], t["audience_label"], t["text"]) for t in reply.get_json()["lesson"]["homework"]] == [
        (f"subgroup:{hw.group.id}", "Подгруппа «Группа 1»", "Слова"),
        (f"pupil:{hw.classmate.id}", "Григорьев Мария", "Доклад")]
    assert [(t.subgroup_id, t.pupil_id) for t in tasks_of(session, lesson)] == [
        (hw.group.id, None), (None, hw.classmate.id)]
    before = counts(session)
    stranger = give(teacher, lesson, "Доклад", audience=f"pupil:{hw.w.pupil_a_other.id}")
    assert stranger.get_json()["error"] == "Ученик не числится в классе этого урока: задание не сохранено."
    for audience in ("subgroup:999999", "всем", "pupil:"):
        refused = give(teacher, lesson, "Слова", audience=audience)
        assert refused.get_json()["error"] == "Выберите, для кого задание: класс, подгруппа или ученик этого урока."
    assert counts(session) == before


def test_files_are_checked_as_every_upload_and_nothing_is_written_on_a_refusal(session, hw, teacher):
    lesson = hw.w.lesson_a
    before = counts(session)
    renamed = give(teacher, lesson, files=[("Задачи.pdf", b"MZ\x90\x00 a program")])
    assert renamed.status_code == 400
    assert renamed.get_json()["error"] == ("Файл «Задачи.pdf» не похож на файл PDF: сохраните документ заново "
                                           "и загрузите ещё раз.")
    program = give(teacher, lesson, files=[("setup.exe", b"MZ\x90\x00")])
    assert program.get_json()["error"] == ("Файл «setup.exe» не принят: допускаются только файлы "
                                           "docx, jpg, pdf, png, xlsx.")
    six = give(teacher, lesson, files=[(f"{n}.pdf", pdf(str(n))) for n in range(6)])
    assert six.get_json()["error"] == "К заданию можно приложить не больше 5 файлов."
    no_text = give(teacher, lesson, "  ", files=[("a.pdf", pdf())])
    assert no_text.get_json()["error"] == "Напишите, что задано: файлы прикладываются к тексту задания."
    assert counts(session) == before


def test_grade_one_gets_no_homework(session, hw, teacher):
    w = hw.w
    first_grade = make_class(session, w.school_a, w.year, 1, "А")
    lesson = make_lesson(session, make_assignment(session, first_grade, make_subject(session, "Математика"), w.teacher),
                         GIVEN)
    session.commit()
    panel = teacher.get(f"/journal/api/lesson/{lesson.id}/homework").get_json()["lesson"]
    reason = "В 1 классе домашние задания не задаются (СанПиН 2.4.2.2821-10, п. 10.10)."
    assert panel["refusal"] == reason and not panel["editable"]
    refused = give(teacher, lesson, due="13.09.2012")
    assert refused.status_code == 400 and refused.get_json()["error"] == reason
    assert session.scalar(select(func.count(Homework.id))) == 0
    assert session.get(ClassGroup, first_grade.id).grade == 1


def test_another_teachers_lesson_is_read_only_or_unknown(session, hw, teacher):
    add_tasks(session, hw)
    # 8Б's lesson is Петрова's: the teacher (who does not lead 8Б here) neither reads nor writes it.
    assert teacher.get(f"/journal/api/lesson/{hw.w.lesson_a_other.id}/homework").status_code == 404
    assert give(teacher, hw.w.lesson_a_other).status_code == 404
    assert teacher.get(f"/journal/api/lesson/{hw.w.lesson_b.id}/homework").status_code == 404


def test_the_panel_lists_every_task_of_the_lesson_for_the_teacher(session, hw, teacher):
    add_tasks(session, hw)
    lesson = teacher.get(f"/journal/api/lesson/{hw.w.lesson_a.id}/homework").get_json()["lesson"]
    assert [(t["audience_label"], t["text"], [f["name"] for f in t["files"]]) for t in lesson["homework"]] == [
        ("Весь класс 7А", "№ 15, 16", ["Задачи.pdf"]),
        ("Подгруппа «Группа 1»", "Выучить слова группы", ["Слова.pdf"]),
        ("Алексеева Мария", "Доклад о дробях", ["Доклад.pdf"])]
    grid = teacher.get(f"/journal/{hw.assignment.id}/").get_data(as_text=True)
    assert 'title="Тема не записана. Д/з: № 15, 16 (ещё заданий: 2)"' in grid
