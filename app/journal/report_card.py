"""Report cards (табель успеваемости) and the class's year summary sheet (сводная ведомость).

One reading serves both: for a class, every pupil's period marks and year mark per subject, and the
lessons each pupil missed per study period, of them for illness. The whole class is read at once,
in a fixed number of statements whatever its size (the class prints in one go); a single pupil's
card is the class's reading narrowed to that pupil.

What a cell shows:
- a subject taught «без отметок» in a period (app.journal.assessment) shows «без отметок» there,
  whatever was entered before the school's rule; in the year column when no period is marked;
- a subject assessed «зачёт/незачёт» shows its result («зач.», «незач.», «н/а», «осв.») as entered;
- a marked subject shows the period mark, or nothing when none is set yet.

Absences: lessons missed (codes that count as missed: «оп», a late arrival, does not) within a
study period; «по болезни» are those of the codes in ILLNESS_CODES («б»). The year's are the sum of
its periods' (a lesson outside every period, e.g. in the holidays, counts nowhere).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, joinedload

from app import clock, formats
from app.exports.cells import write_cell
from app.i18n import _
from app.journal import assessment
from app.models import (
    Absence,
    AbsenceCode,
    ClassGroup,
    Lesson,
    PeriodMark,
    Pupil,
    Staff,
    StudyPeriod,
    Subject,
    SubjectAssessment,
    TeachingAssignment,
)
from app.models.journal import UNMARKED
from app.school import membership
from app.security.clauses import NotInScope
from app.security.scope import Scope, card_classes, visible

# Absence codes of a lesson missed for illness.
ILLNESS_CODES = ("б",)
# The staff position whose holder signs the card as the director.
DIRECTOR_POSITION = "директор"
YEAR = None  # the key of the year column and of the year's absences


@dataclass
class Missed:
    """Lessons missed, and of them for illness."""

    total: int = 0
    illness: int = 0

    def add(self, other: "Missed") -> None:
        self.total += other.total
        self.illness += other.illness


@dataclass
class CardLine:
    """A subject on a pupil's card: the text of each column (study period id or YEAR -> text)."""

    subject: str
    results: dict[int | None, str]


@dataclass
class PupilCard:
    pupil_id: int
    name: str
    lines: list[CardLine]
    missed: dict[int | None, Missed]  # study period id or YEAR -> lessons missed


@dataclass
class ClassCards:
    """A class's report cards for a period (`period` set) or the year (`period` None)."""

    school: str
    class_name: str
    class_slug: str
    year_name: str
    class_teacher: str
    director: str
    periods: list[StudyPeriod]  # every period of the class's year, in order
    period: StudyPeriod | None
    printed_on: str = ""  # дд.мм.гггг, the app's today
    pupils: list[PupilCard] = field(default_factory=list)

    @property
    def columns(self) -> list[tuple[int | None, str]]:
        """(key, heading) of the result columns: the period's own, or every period and the year."""
        if self.period is not None:
            return [(self.period.id, self.period.name)]
        return [(p.id, p.name) for p in self.periods] + [(YEAR, _("Год"))]

    @property
    def title(self) -> str:
        return self.period.name if self.period is not None else _("%(year)s учебный год", year=self.year_name)

    @property
    def subjects(self) -> list[str]:
        return [line.subject for line in self.pupils[0].lines] if self.pupils else []


def class_cards(session: Session, scope: Scope, class_group_id: int, period_id: int | None = None,
                pupil_id: int | None = None) -> ClassCards:
    """The report cards of a class for the study period `period_id` (None: the year), of every
    pupil in the class during it or of `pupil_id` alone. NotInScope (a 404) for a class the user may not
    print, a period not of the class's school and year, or a pupil not in the class."""
    class_group = session.scalar(select(ClassGroup).where(ClassGroup.id == class_group_id, card_classes(scope))
                                 .options(joinedload(ClassGroup.class_teacher), joinedload(ClassGroup.school),
                                          joinedload(ClassGroup.academic_year)))
    if class_group is None:
        raise NotInScope(f"class_group {class_group_id}")
    periods = list(session.scalars(select(StudyPeriod).where(
        StudyPeriod.school_id == class_group.school_id,
        StudyPeriod.academic_year_id == class_group.academic_year_id).order_by(StudyPeriod.number)))
    period = _period(periods, period_id)
    # The pupils in the class during the period (the year: any day of it): one who left in March
    # keeps the card of the first quarters (app.school.membership).
    starts, ends = _dates(class_group, periods, period)
    pupil_rows = membership.members(session, class_group.id, starts, ends, where=and_(
        visible(scope, Pupil), *([Pupil.id == pupil_id] if pupil_id is not None else [])))
    if pupil_id is not None and not pupil_rows:
        raise NotInScope(f"pupil {pupil_id}")
    subjects = _subjects(session, scope, class_group)
    settings = _settings(session, class_group)
    marks = _period_marks(session, scope, class_group, [r.id for r in pupil_rows] if pupil_id else None)
    missed = _missed(session, scope, class_group, periods, pupil_id)
    cards = ClassCards(
        school=class_group.school.name, class_name=class_group.name,
        class_slug=f"{class_group.grade}{class_group.letter}", year_name=class_group.academic_year.name,
        class_teacher=class_group.class_teacher.short_name if class_group.class_teacher else "",
        director=_director(session, class_group.school_id), periods=periods, period=period,
        printed_on=formats.format_date(clock.today()))
    keys = [key for key, _heading in cards.columns]
    for row in pupil_rows:
        lines = [CardLine(name, {key: _shown(marks.get((row.id, subject_id, key)), settings.get(subject_id, {}),
                                             class_group.grade, key, periods) for key in keys})
                 for subject_id, name in subjects]
        name = " ".join(part for part in (row.last_name, row.first_name, row.middle_name) if part)
        cards.pupils.append(PupilCard(row.id, name, lines, _with_year(missed.get(row.id, {}), periods)))
    return cards


def _dates(class_group: ClassGroup, periods: list[StudyPeriod], period: StudyPeriod | None) -> tuple:
    """The first and last day of the cards: the period's, else the year's periods', else the
    academic year's."""
    if period is not None:
        return period.starts_on, period.ends_on
    if periods:
        return periods[0].starts_on, periods[-1].ends_on
    return class_group.academic_year.starts_on, class_group.academic_year.ends_on


def _period(periods: list[StudyPeriod], period_id: int | None) -> StudyPeriod | None:
    """The period `period_id` of the class's year (None: the year), or NotInScope."""
    if period_id is None:
        return None
    period = next((p for p in periods if p.id == period_id), None)
    if period is None:
        raise NotInScope(f"study_period {period_id}")
    return period


def _with_year(missed: dict[int, Missed], periods) -> dict[int | None, Missed]:
    """Every period's lessons missed (none: 0) and the year's, their sum."""
    per_period: dict[int | None, Missed] = {p.id: missed.get(p.id, Missed()) for p in periods}
    year = Missed()
    for value in per_period.values():
        year.add(value)
    per_period[YEAR] = year
    return per_period


def _shown(value: str | None, settings: dict[int, str], grade: int, key: int | None, periods) -> str:
    """The text of one result cell (the module docstring says what it shows)."""
    if key is YEAR:
        mode = assessment.year_mode(settings, grade, [p.id for p in periods])
    else:
        mode = assessment.mode_in(settings, grade, key)
    if mode == UNMARKED:
        return _("без отметок")
    return value or ""


def _subjects(session: Session, scope: Scope, class_group: ClassGroup) -> list[tuple[int, str]]:
    """(subject id, name) of the class's teaching assignments, in name order."""
    rows = session.execute(select(Subject.id, Subject.name).join(
        TeachingAssignment, TeachingAssignment.subject_id == Subject.id).where(
        TeachingAssignment.class_group_id == class_group.id, visible(scope, TeachingAssignment)).distinct()).all()
    return sorted(((r.id, r.name) for r in rows), key=lambda r: (formats.natural_key(r[1]), r[0]))


def _settings(session: Session, class_group: ClassGroup) -> dict[int, dict[int, str]]:
    """Subject id -> {study period id -> mode}: the school's assessment settings of the class."""
    settings: dict[int, dict[int, str]] = defaultdict(dict)
    for r in session.execute(select(SubjectAssessment.subject_id, SubjectAssessment.study_period_id,
                                    SubjectAssessment.mode).where(SubjectAssessment.class_group_id == class_group.id)):
        settings[r.subject_id][r.study_period_id] = r.mode
    return settings


def _period_marks(session: Session, scope: Scope, class_group: ClassGroup, pupil_ids) -> dict:
    """(pupil id, subject id, study period id or YEAR) -> the period or year mark."""
    statement = select(PeriodMark.pupil_id, PeriodMark.subject_id, PeriodMark.study_period_id, PeriodMark.value).where(
        PeriodMark.class_group_id == class_group.id, PeriodMark.academic_year_id == class_group.academic_year_id,
        visible(scope, PeriodMark))
    if pupil_ids is not None:
        statement = statement.where(PeriodMark.pupil_id.in_(pupil_ids))
    return {(r.pupil_id, r.subject_id, r.study_period_id): r.value for r in session.execute(statement)}


def _missed(session: Session, scope: Scope, class_group: ClassGroup, periods, pupil_id: int | None) -> dict:
    """Pupil id -> {study period id -> Missed}: lessons of the class missed within each period."""
    if not periods:
        return {}
    period_of = case(*((Lesson.date.between(p.starts_on, p.ends_on), p.id) for p in periods), else_=None)
    # Grouped over a subquery: PostgreSQL takes the CASE's parameters in the SELECT and in the
    # GROUP BY for different expressions.
    rows = (select(Absence.pupil_id, period_of.label("period_id"),
                   AbsenceCode.code.in_(ILLNESS_CODES).label("illness"))
            .join(Lesson, Lesson.id == Absence.lesson_id)
            .join(AbsenceCode, AbsenceCode.code == Absence.code)
            .where(Lesson.class_group_id == class_group.id, Lesson.cancelled.is_(False),
                   Lesson.date >= periods[0].starts_on, Lesson.date <= periods[-1].ends_on,
                   AbsenceCode.counts_as_missed.is_(True), visible(scope, Absence),
                   *([Absence.pupil_id == pupil_id] if pupil_id is not None else []))
            .subquery())
    statement = (select(rows.c.pupil_id, rows.c.period_id, rows.c.illness, func.count())
                 .group_by(rows.c.pupil_id, rows.c.period_id, rows.c.illness))
    missed: dict[int, dict[int, Missed]] = defaultdict(lambda: defaultdict(Missed))
    for pupil, period_id, is_illness, count in session.execute(statement):
        if period_id is None:
            continue
        cell = missed[pupil][period_id]
        cell.total += count
        if is_illness:
            cell.illness += count
    return missed


def _director(session: Session, school_id: int) -> str:
    """The school's director as «Фамилия И. О.» (the first active one), or an empty string."""
    director = session.scalars(select(Staff).where(
        Staff.school_id == school_id, Staff.active.is_(True),
        func.lower(Staff.position) == DIRECTOR_POSITION).order_by(Staff.id).limit(1)).first()
    return director.short_name if director else ""


# --- xlsx ---------------------------------------------------------------------------------------

SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_name(name: str, used: set[str]) -> str:
    base = SHEET_NAME_BAD.sub(" ", name)[:28].strip() or _("Лист")
    candidate, n = base, 2
    while candidate.lower() in used:
        candidate, n = f"{base[:25]} {n}", n + 1
    used.add(candidate.lower())
    return candidate


def cards_file_name(cards: ClassCards) -> str:
    suffix = f"{cards.period.number}-chetvert" if cards.period is not None else "god"
    return f"tabel-{cards.class_slug}-{suffix}.xlsx"


def sheet_file_name(cards: ClassCards) -> str:
    return f"svodnaya-{cards.class_slug}-{cards.year_name.replace('/', '-')}.xlsx"


def cards_xlsx(cards: ClassCards, stream) -> None:
    """The report cards as xlsx written to `stream`: one sheet per pupil, an A4 page each."""
    import xlsxwriter

    book = xlsxwriter.Workbook(stream, {"in_memory": True})
    styles = _styles(book)
    used: set[str] = set()
    if not cards.pupils:
        write_cell(book.add_worksheet(_("Табель")), 0, 0, _("В классе нет учеников"))
    for card in cards.pupils:
        sheet = book.add_worksheet(_sheet_name(card.name, used))
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 1)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, len(cards.columns), 13)
        write_cell(sheet, 0, 0, _("Табель успеваемости"), styles["bold"])
        write_cell(sheet, 1, 0, cards.school)
        write_cell(sheet, 2, 0, _("Ученик: %(name)s, класс %(class_name)s", name=card.name,
                                  class_name=cards.class_name))
        write_cell(sheet, 3, 0, cards.title)
        row = 5
        write_cell(sheet, row, 0, _("Предмет"), styles["head"])
        for col, (_key, heading) in enumerate(cards.columns, 1):
            write_cell(sheet, row, col, heading, styles["head"])
        for line in card.lines:
            row += 1
            write_cell(sheet, row, 0, line.subject, styles["name"])
            for col, (key, _heading) in enumerate(cards.columns, 1):
                write_cell(sheet, row, col, line.results[key], styles["cell"])
        row += 1
        write_cell(sheet, row, 0, _("Пропущено уроков"), styles["name"])
        for col, (key, _heading) in enumerate(cards.columns, 1):
            write_cell(sheet, row, col, card.missed[key].total, styles["cell"])
        row += 1
        write_cell(sheet, row, 0, _("из них по болезни"), styles["name"])
        for col, (key, _heading) in enumerate(cards.columns, 1):
            write_cell(sheet, row, col, card.missed[key].illness, styles["cell"])
        write_cell(sheet, row + 2, 0, _("Классный руководитель: %(name)s", name=cards.class_teacher))
        write_cell(sheet, row + 3, 0, _("Директор: %(name)s", name=cards.director))
    book.close()


def year_sheet_xlsx(cards: ClassCards, stream) -> None:
    """The class's year summary sheet as xlsx written to `stream`: a sheet per study period and
    one for the year, each a row per pupil with a column per subject and the lessons missed."""
    import xlsxwriter

    book = xlsxwriter.Workbook(stream, {"in_memory": True})
    styles = _styles(book)
    used: set[str] = set()
    for key, heading in cards.columns:
        sheet = book.add_worksheet(_sheet_name(heading, used))
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        write_cell(sheet, 0, 0, _("Сводная ведомость класса %(class_name)s: %(title)s",
                                  class_name=cards.class_name, title=heading), styles["bold"])
        write_cell(sheet, 1, 0, _("%(school)s, %(year)s учебный год", school=cards.school, year=cards.year_name))
        titles = ["№", _("Ученик"), *cards.subjects, _("Пропущено уроков"), _("из них по болезни")]
        sheet.set_column(0, 0, 4)
        sheet.set_column(1, 1, 30)
        sheet.set_column(2, len(titles), 11)
        for col, title in enumerate(titles):
            write_cell(sheet, 3, col, title, styles["head"])
        for number, card in enumerate(cards.pupils, 1):
            values = [number, card.name, *(line.results[key] for line in card.lines),
                      card.missed[key].total, card.missed[key].illness]
            for col, value in enumerate(values):
                write_cell(sheet, 3 + number, col, value, styles["name"] if col == 1 else styles["cell"])
        write_cell(sheet, 5 + len(cards.pupils), 0, _("Классный руководитель: %(name)s", name=cards.class_teacher))
    book.close()


def _styles(book) -> dict:
    return {"bold": book.add_format({"bold": True}),
            "head": book.add_format({"bold": True, "border": 1, "align": "center", "valign": "top", "text_wrap": True}),
            "cell": book.add_format({"border": 1, "align": "center"}),
            "name": book.add_format({"border": 1})}
