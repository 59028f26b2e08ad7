"""The control table and its xlsx export, and the plan/readiness form readers."""
import datetime as dt
import io

import openpyxl
from werkzeug.datastructures import MultiDict

from app.rollout import editing
from app.rollout.deadlines import deadline_table
from app.rollout.export import control_xlsx
from tests.factories import make_municipality, make_school
from tests.rollout_helpers import PLAN_DUE, USAGE_DUE, make_campaign, make_plan, make_readiness

D = dt.date


def _region(session):
    campaign = make_campaign(session)
    a = make_municipality(session, "Аларский район")
    b = make_municipality(session, "=HYPERLINK(\"x\")")
    s = make_school(session, a, "СОШ № 1")
    make_school(session, b, "СОШ № 2")
    make_plan(session, campaign, a, approved_on=PLAN_DUE, appointed_on=PLAN_DUE, targets=[(USAGE_DUE, "75")])
    make_readiness(session, campaign, s, on=D(2012, 7, 30))
    return campaign, a, b


def test_totals_and_lights(session):
    campaign, a, b = _region(session)
    table = deadline_table(session, campaign, D(2012, 8, 2))
    assert [r.name for r in table.rows] == ["=HYPERLINK(\"x\")", "Аларский район"]  # the worst first
    assert table.counts("plan_approved") == {"on_time": 1, "late": 0, "overdue": 1, "not_due": 0}
    assert table.counts("hardware_ready") == {"on_time": 1, "late": 0, "overdue": 1, "not_due": 0}
    assert table.cell_lights("hardware_ready") == {"red": 1, "yellow": 0, "green": 1, "grey": 0}
    assert table.cell_lights("usage_share") == {"red": 0, "yellow": 0, "green": 0, "grey": 2}
    assert table.lights == {"red": 1, "yellow": 0, "green": 1, "grey": 0}
    assert table.overdue_municipalities("plan_approved") == 1


def test_filters_and_sort(session):
    campaign, a, b = _region(session)
    today = D(2012, 8, 2)
    assert [r.name for r in deadline_table(session, campaign, today, light="green").rows] == ["Аларский район"]
    assert [r.name for r in deadline_table(session, campaign, today, status="overdue").rows] == ["=HYPERLINK(\"x\")"]
    assert [r.name for r in deadline_table(session, campaign, today, status="on_time",
                                           milestone="plan_approved").rows] == ["Аларский район"]
    assert [r.name for r in deadline_table(session, campaign, today, name="АЛАР").rows] == ["Аларский район"]
    assert deadline_table(session, campaign, today, sort="name").rows[0].name == "=HYPERLINK(\"x\")"
    assert len(deadline_table(session, campaign, today, light="purple").rows) == 2  # unknown: ignored


def test_xlsx_export_keeps_formula_like_names_as_text(session):
    campaign, a, b = _region(session)
    book = openpyxl.load_workbook(io.BytesIO(control_xlsx(deadline_table(session, campaign, D(2012, 8, 2)))))
    sheet = book["Контроль"]
    header = next(r for r in range(1, 20) if sheet.cell(row=r, column=2).value == "Муниципальное образование")
    first = header + 2
    assert sheet.cell(row=first, column=2).value == "=HYPERLINK(\"x\")"
    assert sheet.cell(row=first, column=2).data_type == "s"
    assert sheet.cell(row=first, column=3).value == "сильно отстаёт"
    assert sheet.cell(row=first + 1, column=2).value == "Аларский район"
    assert sheet.cell(row=first + 1, column=3).value == "в норме"
    assert sheet.cell(row=first + 1, column=5).value == "выполнено в срок, 01.07.2012"
    assert sheet.cell(row=first + 1, column=7).value == 1  # normative acts: 100 % done, a percentage cell
    assert sheet.cell(row=first + 1, column=7).number_format == "0.0%"
    assert sheet.cell(row=first, column=7).value == 0


def test_plan_form_reads_targets_and_skips_empty_rows():
    form = MultiDict([("approval_doc_number", " 45-р "), ("approval_doc_date", "28.06.2012"),
                      ("target_date", "2012-12-01"), ("share", "100 %"), ("school_count", ""),
                      ("target_date", "2012-09-01"), ("share", "75,5"), ("school_count", "3"),
                      ("target_date", ""), ("share", ""), ("school_count", ""),
                      ("target_date", "2012-10-01"), ("share", "80"), ("school_count", ""), ("remove", "3")])
    data = editing.parse_plan_form(form, school_total=4)
    assert data.errors == []
    assert data.values["approval_doc_number"] == "45-р" and data.values["approval_doc_date"] == D(2012, 6, 28)
    assert [(d, str(s), c) for d, s, c in data.targets] == [(D(2012, 9, 1), "75.5", 3), (D(2012, 12, 1), "100", None)]


def test_plan_and_readiness_forms_refuse_unreadable_text_as_form_errors():
    plan = editing.parse_plan_form(MultiDict([("responsible_full_name", "Иванова\x00 А. П."),
                                              ("responsible_appointed_on", "01.09.2012"),
                                              ("approval_doc_number", "  45-р\u200b "),
                                              ("approval_doc_date", "28.06.2012")]), school_total=4)
    assert plan.errors == ["«ФИО ответственного»: в тексте есть невидимый управляющий символ (U+0000). "
                           "Наберите значение заново, не копируя его."]
    assert plan.values["approval_doc_number"] == "45-р"
    readiness = editing.parse_readiness_form(MultiDict([("hardware_note", "\u202eноутбуки"),
                                                        ("normative_acts_doc", "П" * 201)]), {1})
    assert readiness.errors == [
        "«Локальные акты»: не длиннее 200 знаков, а введено 201. Сократите текст.",
        "«Примечание о технике»: в тексте есть невидимый знак смены направления письма (U+202E). "
        "Наберите значение заново, не копируя его."]


def test_readiness_form_requires_system_for_a_choice_date():
    form = MultiDict([("system_chosen_on", "2012-07-05"), ("journal_system_id", "")])
    errors = editing.parse_readiness_form(form, {1}).errors
    assert errors == ["Указана дата выбора системы, но не выбрана сама система."]
    assert editing.parse_readiness_form(MultiDict([("journal_system_id", "99")]), {1}).errors == [
        "Выберите систему электронного журнала из списка."]
