"""Rollout pages: the control page's counts, scope (404 for another municipality), plan and
readiness forms, evidence files, the xlsx export, consultations."""
import datetime as dt
import io
import logging
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import Consultation, PlanTarget, ReadinessEvidence, RolloutPlan, SchoolReadiness
from app.security import roles as R
from tests.conftest import csrf_token
from tests.factories import make_municipality, make_school, make_user
from tests.rollout_helpers import (
    PLAN_DUE, READINESS_DUE, USAGE_DUE, make_campaign, make_plan, make_readiness, make_system,
)

D = dt.date
TODAY = dt.date(2012, 8, 15)


@pytest.fixture
def app(app):
    app.config["TODAY"] = TODAY
    return app


@pytest.fixture
def region(session, world):
    """The world's two municipalities plus a third; statuses on 15.08.2012 by hand:

    - Одинцовский (a): plan and responsible on time; school 1 fully ready on time, school 2
      hardware late and the rest on time -> every school did every item: green;
    - Клинский (b): nothing at all -> red (plan, responsible and school 3 overdue);
    - Рузский (c): plan late (approved 05.07), responsible on time, its one school ready on time
      -> done, if late: green."""
    campaign = make_campaign(session)
    w = world
    make_plan(session, campaign, w.municipality_a, approved_on=D(2012, 6, 28), appointed_on=D(2012, 6, 20),
              targets=[(USAGE_DUE, "75")])
    make_readiness(session, campaign, w.school_a, on=D(2012, 7, 20))
    make_readiness(session, campaign, w.school_a2, on=D(2012, 7, 25), hardware=D(2012, 8, 3))
    c = make_municipality(session, "Рузский муниципальный район")
    school_c = make_school(session, c, "СОШ № 7")
    make_plan(session, campaign, c, approved_on=D(2012, 7, 5), appointed_on=PLAN_DUE, targets=[(USAGE_DUE, "80")])
    make_readiness(session, campaign, school_c, on=READINESS_DUE)
    session.commit()
    return campaign, c, school_c


def _totals(page):
    """{(milestone, light): municipalities} from the control table's footer."""
    return {(m, s): int(n) for m, s, n in re.findall(
        r'class="total" data-milestone="(\w+)" data-light="(\w+)">(\d+)', page)}


def _overdue(page):
    """{(milestone, "municipalities" | "schools"): count} from the footer's overdue rows."""
    return {(m, s): int(n) for m, s, n in re.findall(
        r'class="total" data-milestone="(\w+)" data-overdue="(\w+)">(\d+)', page)}


def _lights(page):
    return {lt: int(n) for lt, n in re.findall(r'data-light-count="(\w+)">[^<]*<strong>(\d+)</strong>', page)}


def test_control_page_counts_equal_the_fixture(region, as_user):
    page = as_user("ministry").get("/rollout/control/").get_data(as_text=True)
    assert "Рузский муниципальный район" in page
    totals = _totals(page)
    assert totals[("plan_approved", "green")] == 2       # Одинцовский on time, Рузский late: both done
    assert totals[("plan_approved", "red")] == 1         # Клинский
    assert totals[("hardware_ready", "green")] == 2      # Одинцовский (school 2 late), Рузский
    assert totals[("hardware_ready", "red")] == 1        # Клинский: 0 of 1 school
    assert totals[("usage_share", "grey")] == 3          # due 01.09
    assert _lights(page) == {"red": 1, "yellow": 0, "green": 2, "grey": 0}
    overdue = _overdue(page)
    assert overdue[("plan_approved", "municipalities")] == 1
    assert overdue[("hardware_ready", "municipalities")] == 1
    assert overdue[("hardware_ready", "schools")] == 1   # СОШ № 3
    assert "из 2 школ: в срок — 1, с опозданием — 1" in page
    assert "выполнено с опозданием на 4 дн., 05.07.2012" in page
    assert "Как читать светофор" in page and "не менее 95 % школ" in page


def test_control_page_filters_and_sorts(region, as_user):
    client = as_user("ministry")
    page = client.get("/rollout/control/?light=red").get_data(as_text=True)
    assert "Клинский" in page and "Рузский" not in page and "Одинцовский" not in page
    page = client.get("/rollout/control/?milestone=plan_approved&status=late").get_data(as_text=True)
    assert "Рузский" in page and "Клинский" not in page
    page = client.get("/rollout/control/?q=одинц").get_data(as_text=True)
    assert "Одинцовский" in page and "Клинский" not in page
    page = client.get("/rollout/control/?on=2012-07-03").get_data(as_text=True)
    body = page[page.index("<tbody"):]
    # Only the plan's deadline has passed: Рузский (approved 05.07) and Клинский are red, Рузский
    # with no school overdue after Клинский; Одинцовский green.
    assert body.index("Клинский") < body.index("Рузский") < body.index("Одинцовский")
    page = client.get("/rollout/control/?on=2012-07-03&sort=name").get_data(as_text=True)
    body = page[page.index("<tbody"):]
    assert body.index("Клинский") < body.index("Одинцовский") < body.index("Рузский")


def test_control_page_as_of_another_day(region, as_user):
    page = as_user("ministry").get("/rollout/control/?on=2012-06-01").get_data(as_text=True)
    # Before the first deadline: done items are on time, nothing is overdue.
    assert _lights(page)["red"] == 0
    assert "Состояние на 01.06.2012" in page


def test_control_xlsx_has_the_same_rows(region, as_user):
    response = as_user("ministry").get("/rollout/control/xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["Контроль"]
    header = next(r for r in range(1, 20) if sheet.cell(row=r, column=2).value == "Муниципальное образование")
    names = [sheet.cell(row=r, column=2).value for r in range(header + 2, header + 5)]
    assert names == ["Клинский муниципальный район", "Одинцовский муниципальный район", "Рузский муниципальный район"]
    assert sheet.cell(row=header + 2, column=3).value == "сильно отстаёт"
    values = [c.value for c in sheet[header + 3]]
    assert "из 2 школ: в срок — 1, с опозданием — 1" in values


def test_municipal_coordinator_sees_only_own_municipality(region, world, as_user):
    client = as_user("municipal")
    page = client.get("/rollout/control/").get_data(as_text=True)
    assert "Одинцовский" in page and "Клинский" not in page
    assert client.get(f"/rollout/municipality/{world.municipality_b.id}").status_code == 404
    assert client.get(f"/rollout/municipality/{world.municipality_b.id}/plan").status_code == 404
    assert client.get(f"/rollout/readiness/school/{world.school_b.id}").status_code == 404
    own = client.get(f"/rollout/municipality/{world.municipality_a.id}").get_data(as_text=True)
    assert "СОШ № 1" in own and "СОШ № 2" in own


def test_municipal_coordinator_cannot_edit_other_municipality(region, world, as_user, session):
    client = as_user("municipal")
    token = csrf_token(client, "/")
    response = client.post(f"/rollout/municipality/{world.municipality_b.id}/plan", data={
        "csrf_token": token, "approval_doc_number": "1", "approval_doc_date": "2012-06-01"})
    assert response.status_code == 404
    response = client.post(f"/rollout/readiness/school/{world.school_b.id}", data={
        "csrf_token": token, "hardware_ready_on": "2012-07-01"})
    assert response.status_code == 404
    session.expire_all()
    assert session.query(RolloutPlan).filter_by(municipality_id=world.municipality_b.id).count() == 0
    assert session.query(SchoolReadiness).filter_by(school_id=world.school_b.id).count() == 0


def test_coordinator_fills_the_plan(session, world, as_user):
    campaign = make_campaign(session)
    session.commit()
    client = as_user("municipal")
    assert client.get("/rollout/municipality/").headers["Location"].endswith(f"/rollout/municipality/{world.municipality_a.id}")
    url = f"/rollout/municipality/{world.municipality_a.id}/plan"
    form = client.get(url).get_data(as_text=True)
    assert "Сохранить план" in form
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url),
        "approval_doc_number": "45-р", "approval_doc_date": "2012-06-29",
        "responsible_full_name": "Смирнова Ольга Викторовна", "responsible_position": "начальник отдела",
        "responsible_phone": "+7 (495) 123-45-67", "responsible_email": "smirnova@example.test",
        "responsible_appointed_on": "25.06.2012",
        "target_date": ["2012-09-01", "2012-12-01", ""], "share": ["75", "", ""], "school_count": ["", "2", ""],
    })
    assert response.status_code == 302
    plan = session.query(RolloutPlan).filter_by(campaign_id=campaign.id, municipality_id=world.municipality_a.id).one()
    assert plan.approval_doc_number == "45-р" and plan.responsible_appointed_on == D(2012, 6, 25)
    assert [(t.target_date, t.share, t.school_count) for t in plan.targets] == [
        (D(2012, 9, 1), 75, None), (D(2012, 12, 1), None, 2)]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "План внедрения сохранён" in page
    assert "№ 45-р от 29.06.2012" in page


def test_bad_plan_input_changes_nothing(session, world, as_user):
    make_campaign(session)
    session.commit()
    client = as_user("municipal")
    url = f"/rollout/municipality/{world.municipality_a.id}/plan"
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url),
        "approval_doc_number": "45-р", "approval_doc_date": "31.02.2012",
        "responsible_email": "не почта",
        "target_date": ["2012-09-01", "2012-09-01"], "share": ["175", "70"], "school_count": ["", "9"],
    })
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Ничего не сохранено" in page
    assert "не дата" in page
    assert "не адрес электронной почты" in page
    assert "доля школ — число от 0 до 100" in page
    assert "число школ — от 0 до 2" in page
    assert "указан дважды" in page
    assert session.query(RolloutPlan).count() == 0 and session.query(PlanTarget).count() == 0


def test_the_plan_button_shows_to_those_who_may_change_the_plan(region, world, as_user):
    page = f"/rollout/municipality/{world.municipality_a.id}"
    button = "Заполнить план и ответственного"
    shown = {user: button in as_user(user).get(page).get_data(as_text=True)
             for user in ("admin", "municipal", "ministry", "monitor", "methodist")}
    assert shown == {"admin": True, "municipal": True, "ministry": False, "monitor": False, "methodist": False}


def test_ministry_reads_plan_but_cannot_post(region, world, as_user):
    client = as_user("ministry")
    url = f"/rollout/municipality/{world.municipality_a.id}/plan"
    page = client.get(url).get_data(as_text=True)
    assert "только просматривать" in page
    assert client.post(url, data={"csrf_token": csrf_token(client, url), "approval_doc_number": "x"}).status_code == 403


def test_school_admin_fills_readiness(session, world, as_user):
    campaign = make_campaign(session)
    system = make_system(session)
    session.commit()
    client = as_user("director")
    assert client.get("/rollout/readiness/").headers["Location"].endswith(f"/rollout/readiness/school/{world.school_a.id}")
    url = f"/rollout/readiness/school/{world.school_a.id}"
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url),
        "normative_acts_doc": "Положение об ЭЖ, приказ № 12", "normative_acts_on": "2012-07-10",
        "journal_system_id": str(system.id), "system_chosen_on": "2012-07-05",
        "hardware_ready_on": "2012-07-30", "hardware_note": "12 ноутбуков",
        "staff_trained": "30", "staff_total": "30", "staff_trained_on": "2012-08-01",
    })
    assert response.status_code == 302
    r = session.query(SchoolReadiness).filter_by(campaign_id=campaign.id, school_id=world.school_a.id).one()
    assert r.staff_trained == 30 and r.hardware_note == "12 ноутбуков"
    session.refresh(world.school_a)
    assert world.school_a.journal_system_id == system.id
    page = client.get(url).get_data(as_text=True)
    assert page.count('data-status="on_time"') == 4
    # Another school of the same municipality is not the director's.
    assert client.get(f"/rollout/readiness/school/{world.school_a2.id}").status_code == 404


def test_readiness_refuses_trained_above_total(session, world, as_user):
    make_campaign(session)
    session.commit()
    client = as_user("director")
    url = f"/rollout/readiness/school/{world.school_a.id}"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "staff_trained": "31", "staff_total": "30"})
    assert response.status_code == 400
    assert "больше, чем всего работников" in response.get_data(as_text=True)
    assert session.query(SchoolReadiness).count() == 0


PDF = b"%PDF-1.4\n% test\n"


def test_evidence_upload_download_and_refusals(session, world, as_user):
    make_campaign(session)
    session.commit()
    client = as_user("director")
    url = f"/rollout/readiness/school/{world.school_a.id}"
    upload = f"{url}/evidence/normative_acts"
    token = csrf_token(client, url)
    response = client.post(upload, data={"csrf_token": token, "file": (io.BytesIO(PDF), "Положение.pdf")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Файл «Положение.pdf» загружен" in response.get_data(as_text=True)
    e = session.query(ReadinessEvidence).one()
    assert e.content_type == "application/pdf" and e.size_bytes == len(PDF)

    download = client.get(f"/rollout/readiness/evidence/{e.id}")
    assert download.data == PDF and "attachment" in download.headers["Content-Disposition"]

    page = client.post(upload, data={"csrf_token": token, "file": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "допускаются только файлы" in page
    page = client.post(upload, data={"csrf_token": token, "file": (io.BytesIO(b"MZ\x90\x00"), "fake.pdf")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "не похож на файл PDF" in page
    big = PDF + b"0" * (5 * 1024 * 1024)
    page = client.post(upload, data={"csrf_token": token, "file": (io.BytesIO(big), "big.pdf")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "слишком большой" in page
    session.expire_all()
    assert session.query(ReadinessEvidence).one().filename == "Положение.pdf"

    # The coordinator of another municipality does not see the file.
    other = as_user("ministry")
    assert other.get(f"/rollout/readiness/evidence/{e.id}").status_code == 200
    client = as_user("director")
    client.post(f"/rollout/readiness/evidence/{e.id}/delete", data={"csrf_token": csrf_token(client, url)})
    assert session.query(ReadinessEvidence).count() == 0


def test_evidence_of_another_municipality_is_404(session, world, as_user, app):
    campaign = make_campaign(session)
    r = make_readiness(session, campaign, world.school_b, on=READINESS_DUE)
    e = ReadinessEvidence(readiness_id=r.id, item="hardware_ready", filename="a.pdf", content_type="application/pdf",
                          size_bytes=len(PDF), data=PDF)
    session.add(e)
    session.commit()
    assert as_user("municipal").get(f"/rollout/readiness/evidence/{e.id}").status_code == 404
    assert as_user("director").get(f"/rollout/readiness/evidence/{e.id}").status_code == 404


def _question(session, municipality, school=None, *, topic="Итоговые отметки", question="Как закрыть четверть?",
              asked_by=None, asked_on=D(2012, 9, 1)) -> Consultation:
    """A consultation as asked (state «новое», no answer yet), written."""
    c = Consultation(municipality_id=municipality.id, school_id=school.id if school else None, topic=topic,
                     question=question, asked_on=asked_on, asked_by_id=asked_by.id if asked_by else None)
    session.add(c)
    session.commit()
    return c


def test_consultation_asked_by_school_answered_by_methodist(session, world, as_user):
    client = as_user("director")
    response = client.post("/consultationview/add", data={
        "csrf_token": csrf_token(client, "/consultationview/add"),
        "topic": "Выставление итоговых отметок", "question": "Как закрыть четверть?"})
    assert response.status_code == 302
    c = session.query(Consultation).one()
    assert (c.school_id, c.municipality_id, c.status) == (world.school_a.id, world.municipality_a.id, "new")

    methodist = as_user("methodist")
    assert "Выставление итоговых отметок" in methodist.get("/consultationview/list/").get_data(as_text=True)
    response = methodist.post(f"/consultationview/edit/{c.id}", data={
        "csrf_token": csrf_token(methodist, f"/consultationview/edit/{c.id}"),
        "status": "new", "answer": "Откройте журнал и нажмите «Закрыть период»."})
    assert response.status_code == 302
    session.expire_all()
    c = session.get(Consultation, c.id)
    assert c.status == "answered" and c.answered_on is not None and c.methodist_id == world.users["methodist"].id

    # A coordinator of the other municipality sees nothing of it.
    other = Consultation(municipality_id=world.municipality_b.id, topic="Чужой вопрос", question="?",
                         asked_on=D(2012, 9, 1))
    session.add(other)
    session.commit()
    page = as_user("municipal").get("/consultationview/list/").get_data(as_text=True)
    assert "Выставление итоговых отметок" in page and "Чужой вопрос" not in page
    assert as_user("municipal").get(f"/consultationview/show/{other.id}").status_code == 404


def test_methodist_picks_the_state_by_its_russian_name_and_a_bad_one_keeps_the_answer(session, world, as_user):
    c = _question(session, world.municipality_a, world.school_a)
    methodist = as_user("methodist")
    url = f"/consultationview/edit/{c.id}"
    form = methodist.get(url).get_data(as_text=True)
    states = re.search(r'<select[^>]*name="status".*?</select>', form, re.S).group(0)
    assert re.findall(r'<option[^>]*value="(\w+)"[^>]*>([^<]+)</option>', states) == [
        ("new", "новое"), ("in_progress", "в работе"), ("answered", "есть ответ"), ("closed", "закрыто")]

    response = methodist.post(url, data={"csrf_token": csrf_token(methodist, url), "status": "есть ответ",
                                         "answer": "Откройте журнал и нажмите «Закрыть период»."})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Откройте журнал и нажмите «Закрыть период»." in page
    assert re.search(r"^[А-Яа-я ]+\.$", re.search(r'alert-danger">\s*([^<]+?)\s*<', page).group(1))  # in Russian
    assert "Как закрыть четверть?" in _question_panel(page)  # the question stays above the form
    session.expire_all()
    assert (session.get(Consultation, c.id).status, session.get(Consultation, c.id).answer) == ("new", None)


def _question_panel(page: str) -> str:
    """The read-only question above the answer form (it must stand before the form)."""
    panel = re.search(r'<section[^>]*class="[^"]*consultation-question.*?</section>', page, re.S)
    assert panel and panel.start() < page.index('<form id="model_form"'), "no question above the form"
    return panel.group(0)


def _panel_fields(panel: str) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>(.*?)</dd>", panel, re.S))


def test_answer_form_shows_the_question_above_it_and_saves_only_the_answer(session, world, as_user):
    question = "Учитель заболел.\nКто ставит отметки на <b>замене</b>?"
    c = _question(session, world.municipality_a, world.school_a, topic="Замена <учителя>", question=question,
                  asked_by=world.users["director"], asked_on=D(2012, 9, 3))
    methodist = as_user("methodist")
    url = f"/consultationview/edit/{c.id}"
    page = methodist.get(url).get_data(as_text=True)
    assert _panel_fields(_question_panel(page)) == {
        "Муниципальное образование": "Одинцовский муниципальный район",
        "Школа": world.school_a.short_name,  # as in the list and on the record page
        "Кто спросил": "Director Тестов",
        "Дата вопроса": "03.09.2012",
        "Тема": "Замена &lt;учителя&gt;",
        # escaped, the line break kept in the text (rollout.css shows it: white-space: pre-line)
        "Вопрос": "Учитель заболел.\nКто ставит отметки на &lt;b&gt;замене&lt;/b&gt;?",
    }
    assert "css/rollout.css" in page and '<select id="status" name="status">' in page

    response = methodist.post(url, data={"csrf_token": csrf_token(methodist, url), "status": "new",
                                         "answer": "Замещающий учитель."})
    assert response.status_code == 302
    session.expire_all()
    saved = session.get(Consultation, c.id)
    assert (saved.status, saved.answer, saved.question, saved.topic, saved.asked_by_id, saved.school_id) == (
        "answered", "Замещающий учитель.", question, "Замена <учителя>", world.users["director"].id, world.school_a.id)


def test_an_answer_corrected_later_keeps_the_date_of_the_first_answer(app, session, world, as_user):
    """The school got its answer on the first date; a later correction does not move it."""
    c = _question(session, world.municipality_a, world.school_a, asked_on=D(2012, 9, 3))
    methodist = as_user("methodist")
    url = f"/consultationview/edit/{c.id}"
    for today, answer in ((D(2012, 9, 5), "Закройте период."), (D(2012, 9, 20), "Закройте период в журнале.")):
        app.config["TODAY"] = today
        methodist.post(url, data={"csrf_token": csrf_token(methodist, url), "status": "answered", "answer": answer})
    session.expire_all()
    saved = session.get(Consultation, c.id)
    assert (saved.answer, saved.answered_on, saved.status) == ("Закройте период в журнале.", D(2012, 9, 5), "answered")


def test_another_methodists_correction_keeps_who_answered_and_is_in_the_audit_log(app, session, world, as_user,
                                                                                   caplog):
    """The record says who answered the school and when; the correction is the audit log's."""
    second = make_user(session, app.appbuilder.sm, "methodist2", R.METHODIST)
    session.commit()
    c = _question(session, world.municipality_a, world.school_a, asked_on=D(2012, 9, 3))
    url = f"/consultationview/edit/{c.id}"
    first = as_user("methodist")
    app.config["TODAY"] = D(2012, 9, 5)
    first.post(url, data={"csrf_token": csrf_token(first, url), "status": "new", "answer": "Закройте период."})

    corrector = as_user("methodist2")
    app.config["TODAY"] = D(2012, 9, 20)
    with caplog.at_level(logging.INFO, logger="journal.audit"):
        response = corrector.post(url, data={"csrf_token": csrf_token(corrector, url), "status": "answered",
                                             "answer": "Закройте период в журнале."})
        assert response.status_code == 302
        # Closing it later, the answer untouched, is no correction and changes no author either.
        corrector.post(url, data={"csrf_token": csrf_token(corrector, url), "status": "closed",
                                  "answer": "Закройте период в журнале."})
    session.expire_all()
    saved = session.get(Consultation, c.id)
    assert (saved.answer, saved.status, saved.methodist_id, saved.answered_on) == (
        "Закройте период в журнале.", "closed", world.users["methodist"].id, D(2012, 9, 5))
    page = as_user("director").get(f"/consultationview/show/{c.id}").get_data(as_text=True)  # what the school reads
    shown = dict(re.findall(r"<th[^>]*>([^<]+)</th>\s*<td>\s*<span[^>]*>([^<]*)</span>", page))
    assert (shown["Методист"], shown["Дата ответа"]) == ("Methodist Тестов", "05.09.2012")
    logged = [r.getMessage() for r in caplog.records if r.name == "journal.audit"]
    assert logged == [f"consultation answer corrected: consultation={c.id} user_id={second.id} user=methodist2 "
                      f"answered_by={world.users['methodist'].id} ip=127.0.0.1 previous='Закройте период.'"]


def test_answer_form_reads_the_consultation_once(app, session, world, as_user):
    """The question panel shows the row FAB's edit has read, not a second read of it."""
    c = _question(session, world.municipality_a, world.school_a, question="Как закрыть четверть?")
    url = f"/consultationview/edit/{c.id}"
    methodist = as_user("methodist")
    reads = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if re.match(r"\s*SELECT\b.*\bFROM consultation\b", statement, re.S | re.I):
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = methodist.get(url).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert "Как закрыть четверть?" in _question_panel(page)
    assert len(reads) == 1, "\n---\n".join(reads)


def test_answer_form_of_a_coordinators_question_names_the_municipality_and_no_school(session, world, as_user):
    c = _question(session, world.municipality_a, topic="План внедрения", question="Какие доли ставить?",
                  asked_by=world.users["municipal"], asked_on=D(2012, 9, 3))
    page = as_user("methodist").get(f"/consultationview/edit/{c.id}").get_data(as_text=True)
    assert _panel_fields(_question_panel(page)) == {
        "Муниципальное образование": "Одинцовский муниципальный район", "Кто спросил": "Municipal Тестов",
        "Дата вопроса": "03.09.2012", "Тема": "План внедрения", "Вопрос": "Какие доли ставить?"}


def test_answer_form_keeps_its_scope(session, world, as_user):
    c = _question(session, world.municipality_b, world.school_b, question="Текст чужого вопроса")
    methodist = as_user("methodist")
    assert methodist.get(f"/consultationview/edit/{c.id + 1}").status_code == 404
    municipal = as_user("municipal")  # another municipality's coordinator, who does not answer at all
    response = municipal.get(f"/consultationview/edit/{c.id}", follow_redirects=True)
    assert "Текст чужого вопроса" not in response.get_data(as_text=True)
    assert municipal.get(f"/consultationview/show/{c.id}").status_code == 404


def test_the_question_keeps_its_line_breaks_by_the_stylesheet(app):
    css = (Path(app.static_folder) / "css" / "rollout.css").read_text(encoding="utf-8")
    rule = re.search(r"\.consultation-text\s*\{([^}]*)\}", css)
    assert rule and re.search(r"white-space:\s*pre-(line|wrap)", rule.group(1))


def test_empty_fields_show_blank_not_none(session, world, as_user):
    c = _question(session, world.municipality_a, topic="Вопрос координатора", question="?")  # no school, no answer yet
    methodist = as_user("methodist")
    listing = methodist.get("/consultationview/list/").get_data(as_text=True)
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Вопрос координатора.*?</tr>", listing, re.S).group(0)
    assert ">None<" not in row.replace(" ", "").replace("\n", "") and "None" not in row
    record = methodist.get(f"/consultationview/show/{c.id}").get_data(as_text=True)
    assert "Вопрос координатора" in record and "None" not in record


def test_menu_entries_by_role(region, as_user):
    assert "План внедрения и школы" in as_user("municipal").get("/").get_data(as_text=True)
    ministry = as_user("ministry").get("/").get_data(as_text=True)
    assert "Контроль исполнения приказа" in ministry and "План внедрения и школы" not in ministry
    assert "Готовность школы" in as_user("director").get("/").get_data(as_text=True)


def test_readiness_links_to_the_municipality_page_only_for_those_who_may_open_it(region, world, as_user):
    url = f"/rollout/readiness/school/{world.school_a.id}"
    municipality_page = f"/rollout/municipality/{world.municipality_a.id}"
    assert municipality_page not in as_user("director").get(url).get_data(as_text=True)
    assert as_user("director").get(municipality_page).status_code == 403
    for user in ("municipal", "ministry"):
        client = as_user(user)
        assert municipality_page in client.get(url).get_data(as_text=True)
        assert client.get(municipality_page).status_code == 200
