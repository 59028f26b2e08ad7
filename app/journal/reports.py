"""Class reports for a study period: успеваемость, качество знаний, СОУ, average mark, absences.

Formulas (docs/design.md; docs/journal-formulas.md for users). Per subject, over the period marks of
the pupils now in the class; N = pupils assessed = pupils with a period mark other than «осв.»
(«н/а» counts in N as not passing; «зач.»/«незач.» count as passing/not passing but not in the
mark counts n5..n2):

    успеваемость  = (n5 + n4 + n3 + n(зач.)) / N × 100 %
    качество      = (n5 + n4) / N × 100 %
    СОУ           = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n(н/а)) / N   (percent; «зач.» pupils are left out of N)
    средний балл  = mean of the numeric period marks (2 decimals)

The class row counts pupils, not marks: a pupil passes when none of their period marks is «2»,
«н/а» or «незач.»; a pupil is of good quality when all numeric marks are 4 or 5. Absences are
lessons missed (codes that count as missed) in the period, «excused» ones shown separately.
Percentages are rounded half-up to one decimal. No assessed pupils -> None (shown as «—»).

Subjects taught without marks in the period (app.journal.assessment): a subject «без отметок»
(every subject of grade 1) has no period results, and any it has (set before the school said so)
count nowhere; its absences count. A subject assessed «зачёт/незачёт» has a line whose успеваемость
is «зач.» / N, with no качество, СОУ or average; its results count for the pupils (a «незач.» is
not passing) but not in the class's СОУ and average, which are of marks.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.exports.cells import write_cell
from app.formats import percent
from app.journal import assessment, grading
from app.school import membership
from app.security.clauses import NotInScope
from app.models import Absence, AbsenceCode, ClassGroup, Lesson, PeriodMark, Pupil, StudyPeriod, Subject, TeachingAssignment
from app.models.journal import MARKS, UNMARKED
from app.security.scope import Scope, journal_assignments, journal_classes, visible
from app.i18n import _

ONE_PLACE = Decimal("0.1")
SOU_WEIGHTS = {"5": 100, "4": 64, "3": 36, "2": 16, grading.NOT_ASSESSED: 7}


@dataclass
class MarkCounts:
    """Counts of period marks and the indicators computed from them."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_marks: bool = True  # False: «зачёт/незачёт», which has no качество, СОУ or average

    def add(self, value: str) -> None:
        self.counts[value] += 1

    @property
    def assessed(self) -> int:
        return sum(n for v, n in self.counts.items() if v != grading.EXEMPT)

    @property
    def success(self) -> Decimal | None:
        passed = sum(self.counts[v] for v in ("5", "4", "3", grading.PASSED))
        return percent(passed, self.assessed)

    @property
    def quality(self) -> Decimal | None:
        if not self.by_marks:
            return None
        return percent(self.counts["5"] + self.counts["4"], self.assessed)

    @property
    def sou(self) -> Decimal | None:
        graded = sum(self.counts[v] for v in SOU_WEIGHTS)
        if not graded or not self.by_marks:
            return None
        points = sum(weight * self.counts[v] for v, weight in SOU_WEIGHTS.items())
        return (Decimal(points) / graded).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)

    @property
    def average(self) -> Decimal | None:
        numeric = [(int(v), n) for v, n in self.counts.items() if v.isdigit()]
        total = sum(n for _value, n in numeric)
        if not total or not self.by_marks:
            return None
        return grading.weighted_average((v, n) for v, n in numeric)


@dataclass
class SubjectLine:
    subject: str
    marks: MarkCounts
    missed: int = 0
    missed_excused: int = 0
    mode: str = MARKS  # how the subject is assessed in the period (app.journal.assessment)


@dataclass
class ClassReport:
    class_group: ClassGroup
    period: StudyPeriod
    pupils: int
    subjects: list[SubjectLine]
    total: MarkCounts
    pupils_passing: int
    pupils_quality: int
    pupils_assessed: int
    missed: int
    missed_excused: int

    @property
    def success(self) -> Decimal | None:
        return percent(self.pupils_passing, self.pupils_assessed)

    @property
    def quality(self) -> Decimal | None:
        return percent(self.pupils_quality, self.pupils_assessed)


def readable_class(session: Session, scope: Scope, class_group_id: int) -> ClassGroup:
    """A class whose reports the user may see: one of whose journals the user may open."""
    class_group = session.scalar(select(ClassGroup).where(ClassGroup.id == class_group_id, journal_classes(scope)))
    if class_group is None:
        raise NotInScope(f"class_group {class_group_id}")
    return class_group


def class_report(session: Session, scope: Scope, class_group_id: int, period_id: int) -> ClassReport:
    class_group = readable_class(session, scope, class_group_id)
    period = _report_period(session, class_group, period_id)
    pupil_ids = {m.pupil_id for m in membership.members(session, class_group.id, period.starts_on, period.ends_on,
                                                          where=visible(scope, Pupil))}
    lines = _subject_lines(session, scope, class_group)
    _assessment_of_lines(session, class_group, period, lines)
    total, per_pupil = _count_period_marks(session, scope, class_group, period, pupil_ids, lines)
    _count_absences(session, scope, class_group, period, lines)
    assessed, passing, good = _count_pupils(per_pupil)
    return ClassReport(
        class_group=class_group, period=period, pupils=len(pupil_ids), subjects=list(lines.values()), total=total,
        pupils_passing=passing, pupils_quality=good, pupils_assessed=assessed,
        missed=sum(line.missed for line in lines.values()),
        missed_excused=sum(line.missed_excused for line in lines.values()),
    )


def _report_period(session: Session, class_group: ClassGroup, period_id: int) -> StudyPeriod:
    """A study period of the class's school and year, or NotInScope."""
    period = session.scalar(select(StudyPeriod).where(
        StudyPeriod.id == period_id, StudyPeriod.school_id == class_group.school_id,
        StudyPeriod.academic_year_id == class_group.academic_year_id))
    if period is None:
        raise NotInScope(f"study_period {period_id}")
    return period


def _subject_lines(session: Session, scope: Scope, class_group: ClassGroup) -> dict[int, SubjectLine]:
    """An empty line per subject of the class's journals in scope, by subject id, in name order."""
    subjects = dict(session.execute(
        select(Subject.id, Subject.name).join(TeachingAssignment, TeachingAssignment.subject_id == Subject.id)
        .where(TeachingAssignment.class_group_id == class_group.id, journal_assignments(scope)).distinct()).all())
    return {sid: SubjectLine(name, MarkCounts()) for sid, name in sorted(subjects.items(), key=lambda kv: kv[1])}


def _assessment_of_lines(session: Session, class_group: ClassGroup, period: StudyPeriod,
                         lines: dict[int, SubjectLine]) -> None:
    """Set each line's mode in the period: the school's setting, else the grade's default."""
    settings = assessment.class_settings(session, class_group.id, period.id)
    for subject_id, line in lines.items():
        line.mode = settings.get(subject_id) or assessment.default_mode(class_group.grade)
        line.marks.by_marks = line.mode == MARKS


def _count_period_marks(session: Session, scope: Scope, class_group: ClassGroup, period: StudyPeriod,
                        pupil_ids: set[int], lines: dict[int, SubjectLine]) -> tuple[MarkCounts, dict[int, list[str]]]:
    """Add the period marks of the pupils now in the class to their subject lines; returns the
    class's counts of the marked subjects' marks and each pupil's results (the module docstring
    says what a subject taught without marks adds)."""
    total = MarkCounts()
    per_pupil: dict[int, list[str]] = defaultdict(list)
    for pm in session.execute(select(PeriodMark.pupil_id, PeriodMark.subject_id, PeriodMark.value).where(
            PeriodMark.class_group_id == class_group.id, PeriodMark.study_period_id == period.id,
            visible(scope, PeriodMark))):
        if pm.pupil_id not in pupil_ids or pm.subject_id not in lines:
            continue
        line = lines[pm.subject_id]
        if line.mode == UNMARKED:
            continue
        line.marks.add(pm.value)
        if line.mode == MARKS:
            total.add(pm.value)
        per_pupil[pm.pupil_id].append(pm.value)
    return total, per_pupil


def _count_absences(session: Session, scope: Scope, class_group: ClassGroup, period: StudyPeriod,
                    lines: dict[int, SubjectLine]) -> None:
    """Add the lessons missed in the period (and the excused ones) to the subject lines."""
    for r in session.execute(
            select(TeachingAssignment.subject_id, AbsenceCode.excused, func.count())
            .select_from(Absence).join(Lesson, Lesson.id == Absence.lesson_id)
            .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
            .join(AbsenceCode, AbsenceCode.code == Absence.code)
            .where(Lesson.class_group_id == class_group.id, Lesson.date >= period.starts_on,
                   Lesson.date <= period.ends_on, AbsenceCode.counts_as_missed.is_(True), visible(scope, Absence))
            .group_by(TeachingAssignment.subject_id, AbsenceCode.excused)):
        line = lines.get(r[0])
        if line is None:
            continue
        line.missed += r[2]
        if r[1]:
            line.missed_excused += r[2]


def _count_pupils(per_pupil: dict[int, list[str]]) -> tuple[int, int, int]:
    """(assessed, passing, of good quality) pupils, as the module docstring defines them."""
    failing = {"2", grading.NOT_ASSESSED, grading.FAILED}
    assessed = passing = good = 0
    for values in per_pupil.values():
        graded = [v for v in values if v != grading.EXEMPT]
        if not graded:
            continue
        assessed += 1
        if not failing.intersection(graded):
            passing += 1
            numbers = [v for v in graded if v.isdigit()]
            if all(v in ("4", "5") for v in numbers):
                good += 1
    return assessed, passing, good


def report_xlsx(report: ClassReport, stream) -> None:
    """The class report as one xlsx sheet written to `stream` (values, not formulas)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(stream, {"in_memory": True})
    sheet = book.add_worksheet(_("Отчёт"))
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "text_wrap": True, "border": 1, "valign": "top"})
    cell = book.add_format({"border": 1})
    write_cell(sheet, 0, 0, _("Класс %(class_name)s, %(period)s: итоги", class_name=report.class_group.name,
                              period=report.period.name), bold)
    write_cell(sheet, 1, 0, _("Учеников в классе: %(count)s", count=report.pupils))
    columns = [_("Предмет"), "«5»", "«4»", "«3»", "«2»", _(grading.NOT_ASSESSED), _(grading.EXEMPT),
               _("Аттестовано (N)"), _("Успеваемость, %"), _("Качество знаний, %"), _("СОУ, %"), _("Средний балл"),
               _("Пропущено уроков"), _("из них по уважительной")]
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, len(columns), 11)
    for col, title in enumerate(columns):
        write_cell(sheet, 3, col, title, head)

    def line(row, name, marks: MarkCounts, missed, excused, success=None, quality=None):
        values = [name, marks.counts["5"], marks.counts["4"], marks.counts["3"], marks.counts["2"],
                  marks.counts[grading.NOT_ASSESSED], marks.counts[grading.EXEMPT], marks.assessed,
                  success if success is not None else marks.success, quality if quality is not None else marks.quality,
                  marks.sou, marks.average, missed, excused]
        for col, value in enumerate(values):
            write_cell(sheet, row, col, float(value) if isinstance(value, Decimal) else ("—" if value is None else value), cell)

    row = 4
    for subject in report.subjects:
        name = subject.subject if subject.mode == MARKS else \
            f"{subject.subject} ({_(assessment.MODE_LABELS[subject.mode])})"
        line(row, name, subject.marks, subject.missed, subject.missed_excused)
        row += 1
    line(row, _("Итого по классу (ученики)"), report.total, report.missed, report.missed_excused,
         report.success, report.quality)
    write_cell(sheet, row + 2, 0, _("Успеваемость и качество в строке «Итого» считаются по ученикам; "
                                    "СОУ и средний балл — по всем отметкам."))
    book.close()
