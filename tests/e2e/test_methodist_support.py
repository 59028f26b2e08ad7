"""Methodical support (p.2) in a real browser on the demo region: the demo director asks the
methodist a question, the methodist answers it and the director reads the answer; the methodist
records a training, publishes a material and has a renamed program refused, and the director
downloads the material's very bytes. With GUIDE_SCREENSHOTS=1 it takes the methodist guide's pictures
(docs/img/methodist-*.png)."""
from __future__ import annotations

import pytest

from app.demo import DEMO_DATE, _demo_pdf
from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

TODAY = DEMO_DATE.strftime("%d.%m.%Y")  # the served app's "today": asked and answered on it
TOPIC = "Замена учителя в журнале"
QUESTION = "Учитель заболел на две недели.\nКто ставит отметки на уроках, которые ведёт замещающий учитель?"
ANSWER = "Замещающий учитель: урок замены записывается на него, отметки он ставит в журнале класса сам."


def switch_user(page, server, username):
    page.goto(f"{server.url}/logout/")
    sign_in(page, server, username)


def open_menu(page, item):
    """«Внедрение» → `item`: each of the methodist's entries opens a list."""
    page.get_by_role("button", name="Внедрение", exact=True).click()
    page.get_by_role("link", name=item, exact=True).click()
    page.wait_for_url("**/list/")


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def cells(row) -> list[str]:
    """A list row's texts, the buttons' column first (empty)."""
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def test_methodist_answers_a_school_question_and_the_director_reads_the_answer(guarded_page, live_server):
    page, server = guarded_page, live_server
    question_row = page.locator("tbody tr", has_text=TOPIC)

    sign_in(page, server, "director")
    open_menu(page, "Консультации")
    page.get_by_role("link", name="Добавить").click()
    page.fill("#topic", TOPIC)
    page.fill("#question", QUESTION)
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Запись добавлена").wait_for()
    consultation = db_scalar(server, "SELECT id FROM consultation WHERE topic = :t", t=TOPIC)
    director_school = db_scalar(server, "SELECT school_id FROM staff JOIN ab_user ON ab_user.id = staff.user_id "
                                        "WHERE ab_user.username = 'director'")
    assert db_scalar(server, "SELECT school_id FROM consultation WHERE id = :c", c=consultation) == director_school

    switch_user(page, server, "methodist")
    open_menu(page, "Консультации")
    assert_accessible(page)
    assert cells(question_row)[3:6] == ["СОШ № 1", TOPIC, "новое"]
    question_row.get_by_role("link", name="Открыть").click()
    page.get_by_text(TOPIC).first.wait_for()
    assert_accessible(page)
    page.go_back()
    # The answer form shows above it what was asked, by whom and when, the question as typed.
    question_row.get_by_role("link", name="Изменить").click()
    page.wait_for_url(f"{server.url}/consultationview/edit/{consultation}")
    asked = page.locator(".consultation-question")
    assert asked.locator(".consultation-text").inner_text() == QUESTION
    assert "Школа\nСОШ № 1" in asked.inner_text() and TOPIC in asked.inner_text()
    assert page.input_value("#status") == "new"
    page.fill("#answer", ANSWER)
    assert_accessible(page)
    guide_shot(page, "methodist-1-answer")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Изменения сохранены").wait_for()
    page.wait_for_url(f"{server.url}/consultationview/list/")
    assert cells(question_row)[4:] == [TOPIC, "есть ответ", TODAY]
    guide_shot(page, "methodist-2-answered")
    stored = db_scalar(server, "SELECT status || ' ' || answered_on || ' ' || methodist_id || ' ' || answer "
                               "FROM consultation WHERE id = :c", c=consultation)
    methodist = db_scalar(server, "SELECT id FROM ab_user WHERE username = 'methodist'")
    assert stored == f"answered {DEMO_DATE.isoformat()} {methodist} {ANSWER}"

    switch_user(page, server, "director")
    open_menu(page, "Консультации")
    assert cells(question_row)[4:] == [TOPIC, "есть ответ", TODAY]
    question_row.get_by_role("link", name="Открыть").click()
    page.get_by_text(ANSWER).wait_for()
    assert page.get_by_text("Мария Методистова").is_visible()


def test_methodist_records_a_training_and_publishes_a_material_a_renamed_program_is_refused(
        guarded_page, live_server, tmp_path):
    page, server = guarded_page, live_server
    sign_in(page, server, "methodist")

    open_menu(page, "Обучение")
    with page.expect_navigation():  # axe on a page being unloaded finds no document
        page.get_by_role("link", name="Добавить").click()
    assert_accessible(page)
    # Typed key by key, as the methodist types it: the calendar leaves typed text as it is.
    page.locator("#held_on").press_sequentially("17.10.2012")
    page.keyboard.press("Tab")
    page.fill("#topic", "Четвертные отметки и закрытие периода")
    page.locator("#municipality + .select2").click()
    page.locator(".select2-search__field").fill("Одинцов")
    page.locator(".select2-results__option", has_text="Одинцовский муниципальный район").click()
    page.fill("#participants", "42")
    page.fill("#note", "Семинар для заместителей директоров")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Запись добавлена").wait_for()
    row = page.locator("tbody tr", has_text="Четвертные отметки и закрытие периода")
    assert cells(row)[1:] == ["17.10.2012", "Четвертные отметки и закрытие периода",
                              "Одинцовский муниципальный район", "42", "Мария Методистова"]
    assert db_scalar(server, "SELECT municipality.name FROM training JOIN municipality "
                             "ON municipality.id = training.municipality_id WHERE training.topic = :t",
                     t="Четвертные отметки и закрытие периода") == "Одинцовский муниципальный район"

    pdf = tmp_path / "Четвертные отметки.pdf"
    pdf.write_bytes(_demo_pdf("Четвертные отметки", ("Chetvertnye otmetki", "Pamyatka (test)")))
    open_menu(page, "Методические материалы")
    demo_materials = db_scalar(server, "SELECT count(*) FROM material")
    page.get_by_role("link", name="Добавить").click()
    page.fill("#title", "Памятка: четвертные отметки в электронном журнале")
    page.fill("#description", "Как выставить четвертные отметки и что делать, если отметок мало.")
    page.set_input_files("#file", pdf)
    assert_accessible(page)
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Запись добавлена").wait_for()
    newest = page.locator("tbody tr").first  # newest first
    assert cells(newest)[1:] == ["Памятка: четвертные отметки в электронном журнале", TODAY, "Мария Методистова",
                                 "Четвертные отметки.pdf (1 КБ)"]
    assert_accessible(page)
    guide_shot(page, "methodist-3-material")
    assert db_scalar(server, "SELECT count(*) FROM material") == demo_materials + 1

    program = tmp_path / "Программа установки.pdf"
    program.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(512))  # a Windows program's first bytes
    page.get_by_role("link", name="Добавить").click()
    page.fill("#title", "Программа установки журнала")
    page.set_input_files("#file", program)
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Файл «Программа установки.pdf» не похож на файл PDF: сохраните документ заново "
                     "и загрузите ещё раз.").wait_for()
    assert page.url.endswith("/materialview/add")
    assert_accessible(page)
    assert db_scalar(server, "SELECT count(*) FROM material") == demo_materials + 1
    open_menu(page, "Методические материалы")
    assert page.locator("tbody tr", has_text="Программа установки").count() == 0

    switch_user(page, server, "director")
    open_menu(page, "Методические материалы")
    with page.expect_download() as download:
        newest.get_by_role("link", name="Четвертные отметки.pdf").click()
    assert download.value.suggested_filename == "Четвертные отметки.pdf"
    assert open(download.value.path(), "rb").read() == pdf.read_bytes()
