"""In a real browser, on the demo region (19.10.2012): the teacher gives 5А homework on the day's
mathematics lesson, due at the next lesson (the panel offers its date) with a worksheet attached;
the parent opens the diary on a phone and finds it on that next lesson's day, with the file to
download. With GUIDE_SCREENSHOTS=1 it takes the guides' pictures (docs/img/teacher-4-homework.png,
docs/img/parent-4-homework.png)."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from app.demo import DEMO_DATE
from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
WORKSHEET = b"%PDF-1.4\n1 0 obj << /Title (Zadachi) >> endobj\ntrailer << >>\n%%EOF\n"
TASK = "№ 120, 121; задачи 1–3 из листа"
OWN_TASK = "Подготовить сообщение о Пифагоре"


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def test_teacher_gives_homework_with_a_file_and_the_parent_finds_it_on_the_day_it_is_due(
        guarded_page, live_server, tmp_path):
    page, server = guarded_page, live_server
    assignment = db_scalar(server, """
        SELECT ta.id FROM teaching_assignment ta JOIN class_group cg ON cg.id = ta.class_group_id
        JOIN subject s ON s.id = ta.subject_id JOIN staff t ON t.id = ta.teacher_id JOIN ab_user u ON u.id = t.user_id
        WHERE u.username = 'teacher' AND cg.grade = 5 AND cg.letter = 'А' AND s.name = 'Математика'""")
    lesson = db_scalar(server, "SELECT id FROM lesson WHERE assignment_id = :a AND date <= :d AND cancelled = :no "
                               "ORDER BY date DESC, lesson_number DESC LIMIT 1", a=assignment, d=DEMO_DATE, no=False)
    given = _date(db_scalar(server, "SELECT date FROM lesson WHERE id = :l", l=lesson))
    due = _date(db_scalar(server, "SELECT min(date) FROM lesson WHERE assignment_id = :a AND date > :d "
                                  "AND cancelled = :no", a=assignment, d=given, no=False))
    assert given <= DEMO_DATE < due

    child = db_scalar(server, """
        SELECT p.id FROM pupil p JOIN guardian_link gl ON gl.pupil_id = p.id JOIN guardian g ON g.id = gl.guardian_id
        JOIN ab_user u ON u.id = g.user_id JOIN class_group cg ON cg.id = p.class_group_id
        WHERE u.username = 'parent' AND cg.grade = 5""")

    sign_in(page, server, "teacher")
    page.goto(f"{server.url}/journal/{assignment}/")
    page.click(f'th.lesson[data-lesson="{lesson}"] .lesson-head')
    homework = page.locator("#lesson-homework")
    expect(homework).to_be_enabled()
    # The panel offers the next lesson as the due day, as дд.мм.гггг.
    expect(page.locator("#homework-due")).to_have_value(due.strftime("%d.%m.%Y"))
    expect(page.locator("#homework-audience")).to_have_value("class")
    homework.fill(TASK)
    sheet = tmp_path / "Задачи к уроку.pdf"
    sheet.write_bytes(WORKSHEET)
    page.set_input_files("#homework-files", str(sheet))
    page.evaluate("window.scrollTo(0, 0)")  # guide_shot clips the page where the panel is at the top's scroll
    guide_shot(page, "teacher-4-homework", "#lesson-panel")
    page.click("#lesson-save")
    expect(page.locator("#journal-status")).to_have_text("Сохранено")
    expect(page.locator("#homework-file-list a")).to_have_text("Задачи к уроку.pdf")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    assert db_scalar(server, "SELECT text FROM homework WHERE lesson_id = :l AND pupil_id IS NULL", l=lesson) == TASK
    assert _date(db_scalar(server, "SELECT due_on FROM homework WHERE lesson_id = :l AND pupil_id IS NULL",
                           l=lesson)) == due
    assert db_scalar(server, "SELECT count(*) FROM homework_file f JOIN homework h ON h.id = f.homework_id "
                             "WHERE h.lesson_id = :l", l=lesson) == 1

    # An individual task for one pupil, beside the class's: the panel keeps one task per audience.
    page.select_option("#homework-audience", f"pupil:{child}")
    expect(homework).to_have_value("")
    expect(page.locator("#homework-others")).to_contain_text(TASK)
    homework.fill(OWN_TASK)
    page.click("#lesson-save")
    expect(page.locator("#journal-status")).to_have_text("Сохранено")
    page.select_option("#homework-audience", "class")
    expect(homework).to_have_value(TASK)
    expect(page.locator("#homework-others")).to_contain_text(OWN_TASK)
    assert db_scalar(server, "SELECT text FROM homework WHERE lesson_id = :l AND pupil_id = :p",
                     l=lesson, p=child) == OWN_TASK

    page.goto(f"{server.url}/logout/")
    page.set_viewport_size(PHONE)
    sign_in(page, server, "parent")
    page.goto(f"{server.url}/diary/{child}/?date={due.isoformat()}")
    day = page.locator("section.diary-day", has=page.locator(".diary-date", has_text=f"{due.day} октября"))
    task = day.locator(".diary-homework", has_text=TASK)
    expect(task).to_have_count(1)
    expect(task).to_contain_text("Д/з к уроку:")
    expect(task).to_contain_text(f"(задано {given.strftime('%d.%m')})")
    own = day.locator(".diary-homework", has_text=OWN_TASK)
    expect(own).to_contain_text("индивидуальное задание")
    # Where it was given, it is not shown again.
    if given.isocalendar()[:2] == due.isocalendar()[:2]:
        given_day = page.locator("section.diary-day", has=page.locator(".diary-date", has_text=f"{given.day} октября"))
        expect(given_day.locator(".diary-homework", has_text=TASK)).to_have_count(0)
    task.scroll_into_view_if_needed()
    guide_shot(page, "parent-4-homework")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    with page.expect_download() as download:
        task.locator("a", has_text="Задачи к уроку.pdf").click()
    assert download.value.suggested_filename == "Задачи к уроку.pdf"
    assert open(download.value.path(), "rb").read() == WORKSHEET
