"""Report cards and the year sheet (app.journal.report_card): every cell of the hand-made world of
tests/report_card_helpers.py, for a quarter, for the year, for one pupil, and read back from xlsx."""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import StudyPeriod
from app.journal.report_card import YEAR, cards_xlsx, class_cards, year_sheet_xlsx
from app.security.clauses import NotInScope
from app.security.scope import load_scope
from tests.report_card_helpers import build_card_world

QUARTERS = ["1 четверть", "2 четверть", "3 четверть", "4 четверть"]


@pytest.fixture
def cw(app, session):
    return build_card_world(session, app.appbuilder.sm)


def _quarter_of(session, school):
    return session.scalar(select(StudyPeriod.id).where(StudyPeriod.school_id == school.id, StudyPeriod.number == 1))


def lines(card):
    return {line.subject: line.results for line in card.lines}


def test_quarter_cards_show_marks_pass_fail_and_no_marks(session, cw):
    scope = load_scope(session, cw.w.users["director"])
    q1 = cw.quarters[0].id
    cards = class_cards(session, scope, cw.w.class_a.id, q1)
    assert [c.name for c in cards.pupils] == ["Алексеева Мария Ивановна", "Борисова Мария Ивановна",
                                              "Волков Мария Ивановна"]
    assert cards.class_name == "7А" and cards.title == "1 четверть"
    assert cards.class_teacher == "Иванова А.П." and cards.director == "Директорова А.П."
    assert cards.columns == [(q1, "1 четверть")]
    first, second, third = cards.pupils
    # ИЗО without marks hides the «5» entered before the rule; Музыка shows «зач.».
    assert lines(first) == {"ИЗО": {q1: "без отметок"}, "Математика": {q1: "5"}, "Музыка": {q1: "зач."}}
    assert lines(second) == {"ИЗО": {q1: "без отметок"}, "Математика": {q1: "4"}, "Музыка": {q1: ""}}
    assert lines(third) == {"ИЗО": {q1: "без отметок"}, "Математика": {q1: ""}, "Музыка": {q1: ""}}
    # «б» 11.09 and «н» 12.09; «оп» 13.09 is no missed lesson.
    assert (first.missed[q1].total, first.missed[q1].illness) == (2, 1)
    assert (second.missed[q1].total, second.missed[q1].illness) == (0, 0)


def test_year_card_has_every_quarter_and_the_year(session, cw):
    scope = load_scope(session, cw.w.users["director"])
    cards = class_cards(session, scope, cw.w.class_a.id)
    q = [p.id for p in cw.quarters]
    assert [heading for _key, heading in cards.columns] == QUARTERS + ["Год"]
    assert cards.title == "2012/2013 учебный год"
    first = cards.pupils[0]
    assert lines(first) == {
        "ИЗО": {q[0]: "без отметок", q[1]: "без отметок", q[2]: "без отметок", q[3]: "без отметок",
                YEAR: "без отметок"},
        "Математика": {q[0]: "5", q[1]: "4", q[2]: "", q[3]: "", YEAR: "5"},
        "Музыка": {q[0]: "зач.", q[1]: "", q[2]: "", q[3]: "", YEAR: ""},
    }
    # 2 in the 1st quarter (1 for illness), 1 for illness in the 2nd; 30.10 is in the holidays.
    assert [(first.missed[k].total, first.missed[k].illness) for k in q + [YEAR]] == \
        [(2, 1), (1, 1), (0, 0), (0, 0), (3, 2)]


def test_one_pupils_card(session, cw):
    scope = load_scope(session, cw.w.users["secretary"])
    cards = class_cards(session, scope, cw.w.class_a.id, None, cw.pupils[1].id)
    assert [c.name for c in cards.pupils] == ["Борисова Мария Ивановна"]
    assert lines(cards.pupils[0])["Математика"][cw.quarters[0].id] == "4"
    with pytest.raises(NotInScope):
        class_cards(session, scope, cw.w.class_a.id, None, cw.w.pupil_b.id)


def test_cards_of_another_school_or_period_are_not_in_scope(session, cw):
    scope = load_scope(session, cw.w.users["secretary_b"])
    with pytest.raises(NotInScope):
        class_cards(session, scope, cw.w.class_a.id)
    director = load_scope(session, cw.w.users["director"])
    with pytest.raises(NotInScope):  # 7А of СОШ № 3
        class_cards(session, director, cw.w.class_b.id)
    with pytest.raises(NotInScope):  # a quarter of СОШ № 3
        class_cards(session, director, cw.w.class_a.id, _quarter_of(session, cw.w.school_b))
    with pytest.raises(NotInScope):
        class_cards(session, load_scope(session, cw.w.users["parent"]), cw.w.class_a.id)


def test_cards_xlsx_has_a_sheet_per_pupil(session, cw):
    scope = load_scope(session, cw.w.users["director"])
    stream = io.BytesIO()
    cards_xlsx(class_cards(session, scope, cw.w.class_a.id, cw.quarters[0].id), stream)
    book = load_workbook(io.BytesIO(stream.getvalue()))
    assert book.sheetnames == ["Алексеева Мария Ивановна", "Борисова Мария Ивановна", "Волков Мария Ивановна"]
    rows = [list(r) for r in book["Алексеева Мария Ивановна"].iter_rows(values_only=True)]
    assert rows[0][0] == "Табель успеваемости"
    assert rows[2][0] == "Ученик: Алексеева Мария Ивановна, класс 7А"
    assert rows[5:11] == [["Предмет", "1 четверть"], ["ИЗО", "без отметок"], ["Математика", "5"],
                          ["Музыка", "зач."], ["Пропущено уроков", 2], ["из них по болезни", 1]]
    assert rows[12][0] == "Классный руководитель: Иванова А.П."
    assert rows[13][0] == "Директор: Директорова А.П."


def test_year_sheet_xlsx_has_a_sheet_per_quarter_and_the_year(session, cw):
    scope = load_scope(session, cw.w.users["director"])
    stream = io.BytesIO()
    year_sheet_xlsx(class_cards(session, scope, cw.w.class_a.id), stream)
    book = load_workbook(io.BytesIO(stream.getvalue()))
    assert book.sheetnames == QUARTERS + ["Год"]
    head = ["№", "Ученик", "ИЗО", "Математика", "Музыка", "Пропущено уроков", "из них по болезни"]
    year = [list(r) for r in book["Год"].iter_rows(values_only=True)]
    assert year[0][0] == "Сводная ведомость класса 7А: Год"
    assert year[3:7] == [head,
                         [1, "Алексеева Мария Ивановна", "без отметок", "5", "", 3, 2],
                         [2, "Борисова Мария Ивановна", "без отметок", "", "", 0, 0],
                         [3, "Волков Мария Ивановна", "без отметок", "", "", 0, 0]]
    first = [list(r) for r in book["1 четверть"].iter_rows(values_only=True)]
    assert first[4] == [1, "Алексеева Мария Ивановна", "без отметок", "5", "зач.", 2, 1]
    assert first[5] == [2, "Борисова Мария Ивановна", "без отметок", "4", "", 0, 0]


@pytest.mark.pg
def test_year_card_on_postgresql(session, cw):
    test_year_card_has_every_quarter_and_the_year(session, cw)
    test_cards_of_another_school_or_period_are_not_in_scope(session, cw)
