"""In a real browser on the demo region (19.10.2012): the demo teacher opens her thematic plans,
imports 5А's plan from her own xlsx (the template, filled), checks the preview, confirms, and fills
the next week's topics from it with one button; the journal then shows them. The director sees per
teacher whether the plans cover the year. With GUIDE_SCREENSHOTS=1 it takes the guides' pictures
(docs/img/teacher-plan-*.png, director-4-plans.png)."""
from __future__ import annotations

import re

import openpyxl
import pytest
from sqlalchemy import create_engine, text

from app.demo_plans import plan_rows
from tests.e2e.conftest import axe_violations, guide_shot, sign_in

pytestmark = pytest.mark.e2e

# The teacher's own plan: the demo's for grade 5, but with multiplication in two topics of her own.
SPLIT = {"Умножение натуральных чисел и его свойства": [("Умножение натуральных чисел", 2),
                                                         ("Свойства умножения", 3)]}
# 5А's mathematics has 35 lessons up to 19.10 with the plan's first 35 hours as topics; the 1st
# quarter's six lessons left (Saturday 20.10, then 22–27.10) take hours 36 to 41 of her plan.
WEEK = ["Контрольная работа № 3", "Умножение натуральных чисел", "Умножение натуральных чисел",
        "Свойства умножения", "Свойства умножения", "Свойства умножения"]


def teachers_file(rows) -> list[list]:
    """Her file: a section heading row where a section begins, then its topics numbered."""
    lines, section, number = [], None, 0
    for row_section, topic, hours in rows:
        if row_section != section:
            lines.append([None, row_section, None, None])
            section = row_section
        for own_topic, own_hours in SPLIT.get(topic, [(topic, hours)]):
            number += 1
            lines.append([number, None, own_topic, own_hours])
    return lines


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def lesson_topics(server, assignment_id: int, since: str, until: str) -> list[str | None]:
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(
                "SELECT topic FROM lesson WHERE assignment_id = :a AND date BETWEEN :since AND :until "
                "AND NOT cancelled ORDER BY date, lesson_number"), {"a": assignment_id, "since": since, "until": until}
            ).scalars())
    finally:
        engine.dispose()


def test_teacher_imports_a_plan_and_fills_the_weeks_topics(guarded_page, live_server, tmp_path):
    page, url = guarded_page, live_server.url
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    sign_in(page, live_server, "teacher")

    # Журнал → Тематическое планирование: her four classes, each against the year in the timetable.
    page.get_by_role("button", name="Журнал", exact=True).click()
    page.get_by_role("link", name="Тематическое планирование", exact=True).click()
    page.wait_for_url(f"{url}/plan/")
    rows = page.locator("table.plan-coverage tbody tr")
    assert [rows.nth(n).locator("th").inner_text() for n in range(rows.count())] == [
        "5А, Математика", "5Б, Математика", "6А, Математика", "6Б, Математика"]
    assert_accessible(page)
    guide_shot(page, "teacher-plan-1-list")

    page.get_by_role("link", name="5А, Математика").click()
    page.wait_for_url(re.compile(r".*/plan/\d+/$"))
    assignment_id = int(re.search(r"/plan/(\d+)/$", page.url).group(1))
    assert lesson_topics(live_server, assignment_id, "2012-10-20", "2012-10-27") == [None] * 6
    assert_accessible(page)

    # The template, filled with her plan, uploaded: the preview shows every row, nothing written yet.
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать шаблон (xlsx)").first.click()
    assert download.value.suggested_filename == "shablon-ktp.xlsx"
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["№", "раздел", "тема", "часы"]
    sheet.delete_rows(2)
    lines = teachers_file(plan_rows(5))
    for line in lines:
        sheet.append(line)
    filled = tmp_path / "КТП 5А математика.xlsx"
    book.save(filled)

    page.set_input_files("#plan-file", str(filled))
    page.get_by_role("button", name="Проверить файл").click()
    page.wait_for_url(f"{url}/plan/{assignment_id}/preview")
    topics = sum(1 for line in lines if line[2])
    assert page.locator("#plan-import-rows tbody tr").count() == topics == 63
    first = page.locator("#plan-import-rows tbody tr").first.locator("td")
    assert [first.nth(n).inner_text() for n in range(4)] == ["3", "Натуральные числа и шкалы",
                                                             "Обозначение натуральных чисел", "3"]
    assert "Ошибок нет. В плане будет тем: 63, часов: 170." in page.inner_text(".plan-preview")
    assert "Нынешние темы плана (62) будут заменены" in page.inner_text(".plan-preview")
    assert_accessible(page)
    guide_shot(page, "teacher-plan-2-preview", ".plan-preview")

    page.get_by_role("button", name="Подтвердить загрузку").click()
    page.wait_for_url(f"{url}/plan/{assignment_id}/")
    assert "План загружен из файла: тем 63, часов 170." in page.content()
    assert page.input_value('#plan-topics tbody tr:nth-child(14) input[name="topic"]') == "Умножение натуральных чисел"

    # Before the topics are filled, the journal shows the plan's next ones in grey on the lessons
    # without a topic, and writes one into the lesson's topic field with one click.
    page.goto(f"{url}/journal/{assignment_id}/")
    page.wait_for_selector('th.lesson.planned[data-date="20.10.2012"]')
    head = page.locator('th.lesson[data-date="20.10.2012"]')
    assert head.get_attribute("data-topic") == ""
    assert head.locator("button").get_attribute("title").startswith("По плану: Контрольная работа № 3")
    assert page.locator('th.lesson.planned[data-date="19.10.2012"]').count() == 0  # it has its topic
    head.locator("button").click()
    assert page.get_attribute("#lesson-topic", "placeholder") == "Контрольная работа № 3"
    assert page.input_value("#lesson-topic") == ""
    page.get_by_role("button", name="Записать тему по плану").click()
    assert page.input_value("#lesson-topic") == "Контрольная работа № 3"
    assert_accessible(page)
    page.goto(f"{url}/plan/{assignment_id}/")

    # One button: the quarter's lessons without a topic take the plan's next hours, in order.
    assert page.locator("#fill-period option:checked").inner_text() == "1 четверть"
    guide_shot(page, "teacher-plan-3-fill", ".plan-actions")
    page.get_by_role("button", name="Заполнить темы из плана").click()
    page.wait_for_url(f"{url}/plan/{assignment_id}/fill")
    assert "Темы записаны в уроков: 6." in page.inner_text("body")
    table = page.locator("#plan-filled tbody tr")
    assert [table.nth(n).locator("td").nth(2).inner_text() for n in range(6)] == WEEK
    assert table.first.locator("td").first.inner_text() == "20.10.2012"
    assert_accessible(page)
    guide_shot(page, "teacher-plan-4-filled")
    assert lesson_topics(live_server, assignment_id, "2012-10-20", "2012-10-27") == WEEK
    # The topics written before stay as they were: hour 35 of the plan, «Уравнение», was the last.
    assert lesson_topics(live_server, assignment_id, "2012-09-01", "2012-10-19")[-1] == "Уравнение"

    # The journal shows them on the lessons' columns.
    page.get_by_role("link", name="Открыть журнал").click()
    page.wait_for_url(re.compile(rf".*/journal/{assignment_id}/\?period=\d+"))
    assert page.get_attribute('th.lesson[data-date="27.10.2012"]', "data-topic") == "Свойства умножения"

    # Filling again writes nothing.
    page.goto(f"{url}/plan/{assignment_id}/")
    page.get_by_role("button", name="Заполнить темы из плана").click()
    assert "Записывать нечего: у уроков периода уже есть темы." in page.inner_text("body")
    assert [e for e in console_errors if not e.startswith("Failed to load resource")] == []


def test_director_sees_whether_each_teachers_plans_cover_the_year(guarded_page, live_server):
    page, url = guarded_page, live_server.url
    sign_in(page, live_server, "director")
    page.get_by_role("button", name="Журнал", exact=True).click()
    page.get_by_role("link", name="Тематическое планирование", exact=True).click()
    page.wait_for_url(f"{url}/plan/")
    # One row per teacher: her four plans, two of which cover the year (5Б exactly, 6Б with hours
    # to spare) and two of which run short (5А by 2 hours, 6А by 4); the others have no plans yet.
    summary = page.locator("#plan-teachers tbody tr", has_text="Воронина Е.Д.")
    assert [cell.strip() for cell in summary.locator("th, td").all_inner_texts()] == ["Воронина Е.Д.", "4", "2", "0", "2"]
    assert_accessible(page)
    guide_shot(page, "director-4-plans", "#plan-teachers")
    summary.locator("a").click()
    rows = page.locator("h2:has-text('Воронина Е.Д.') + p + table tbody tr")
    assert [rows.nth(n).locator("td.plan-status").inner_text() for n in range(4)] == [
        "не хватает 2 ч", "покрывает год", "не хватает 4 ч", "покрывает год, в плане на 35 ч больше"]
    # A plan is read, not changed, by the school's administration.
    rows.first.locator("a").click()
    page.wait_for_url(re.compile(r".*/plan/\d+/$"))
    page.wait_for_selector("#plan-topics")
    assert page.locator('input[name="topic"]').count() == 0
    assert page.locator("#plan-topics tbody tr").count() > 60
