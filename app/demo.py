"""The demo region: 72 municipalities, ~1,400 schools, the 2012 campaign, and full journals for a
few schools of one municipality. Deterministic (seeded); bulk inserts so it loads in seconds.

Domain code: takes a session and FAB's security manager (for the demo logins), no Flask imports.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app.accounts.grants import Place
from app.accounts.issue import NewAccount, create_accounts, note_first_login
from app.accounts.logins import login_base, unique_logins
from app.demo_names import FEMALE_FIRST, masculine_surname, person, surname_for
from app.demo_plans import lesson_topics, plan_rows
from app.journal.assessment import default_mode
from app.models import (
    Absence,
    AbsenceCode,
    AcademicYear,
    BellSchedule,
    Campaign,
    ClassGroup,
    Consultation,
    DiaryVisit,
    Guardian,
    GuardianLink,
    Message,
    MessageRead,
    MessageThread,
    Holiday,
    Homework,
    ImportBatch,
    JournalSystem,
    Lesson,
    Mark,
    MarkType,
    Material,
    Milestone,
    Municipality,
    PlanTarget,
    PlanTopic,
    Pupil,
    RolloutPlan,
    Room,
    School,
    SchoolReadiness,
    Staff,
    StudyPeriod,
    Subject,
    TeachingAssignment,
    ThematicPlan,
    TimetableSlot,
    Training,
    UsageSnapshot,
    UsageThreshold,
)
from app.models.journal import UNMARKED
from app.models.notices import ILLNESS, PENDING, AbsenceNotice
from app.models.people import first_membership_rows
from app.monitoring.indicators import compute_month
from app.monitoring.months import next_month
from app.security import roles as R
from app.security.scope import Scope

DATA_FILE = Path(__file__).resolve().parent / "data" / "municipalities-mo-2012.csv"
DEMO_MUNICIPALITY = "Одинцовский муниципальный район"
DEMO_DATE = dt.date(2012, 10, 19)  # marks and topics are filled up to this Friday
YEAR_START, YEAR_END = dt.date(2012, 9, 1), dt.date(2013, 5, 31)
# The demo's accounts were issued by the region's administrator before the year began and used
# from its first school day (the monitoring counts a family's access from the first login).
DEMO_ISSUER = Scope(role=R.ADMIN)
ACCOUNTS_ISSUED = dt.datetime(2012, 8, 27, 9, 0)
FIRST_LOGINS = dt.datetime(2012, 9, 3, 8, 0)
QUARTERS = (
    (dt.date(2012, 9, 1), dt.date(2012, 10, 27)),
    (dt.date(2012, 11, 5), dt.date(2012, 12, 29)),
    (dt.date(2013, 1, 11), dt.date(2013, 3, 24)),
    (dt.date(2013, 4, 1), dt.date(2013, 5, 31)),
)
HOLIDAYS = (
    ("Осенние каникулы", dt.date(2012, 10, 28), dt.date(2012, 11, 4), 1, 11),
    ("День народного единства", dt.date(2012, 11, 5), dt.date(2012, 11, 5), 1, 11),
    ("Зимние каникулы", dt.date(2012, 12, 30), dt.date(2013, 1, 10), 1, 11),
    ("Дополнительные каникулы для первоклассников", dt.date(2013, 2, 11), dt.date(2013, 2, 17), 1, 1),
    ("Весенние каникулы", dt.date(2013, 3, 25), dt.date(2013, 3, 31), 1, 11),
    ("Праздничные дни", dt.date(2013, 5, 1), dt.date(2013, 5, 3), 1, 11),
    ("День Победы", dt.date(2013, 5, 9), dt.date(2013, 5, 10), 1, 11),
)
BELLS = ((8, 30), (9, 25), (10, 30), (11, 35), (12, 40), (13, 35), (14, 30))  # 45-minute lessons
MAX_PER_DAY = {1: 4, 2: 5, 3: 5, 4: 5, 5: 6, 6: 6, 7: 7, 8: 7, 9: 7, 10: 7, 11: 7}

# Weekly hours by grade band; a simplified 2012 basic curriculum.
PRIMARY = {"Русский язык": 5, "Литературное чтение": 4, "Математика": 4, "Окружающий мир": 2,
           "Музыка": 1, "Изобразительное искусство": 1, "Технология": 1, "Физическая культура": 3,
           "Английский язык": 2}
MIDDLE = {"Русский язык": 6, "Литература": 3, "Английский язык": 3, "Математика": 5, "История": 2,
          "Обществознание": 1, "География": 1, "Биология": 1, "Музыка": 1, "Изобразительное искусство": 1,
          "Технология": 2, "Физическая культура": 3}
SENIOR = {"Русский язык": 3, "Литература": 2, "Английский язык": 3, "Алгебра": 3, "Геометрия": 2,
          "Информатика": 1, "История": 2, "Обществознание": 1, "География": 2, "Биология": 2, "Физика": 2,
          "Химия": 2, "Физическая культура": 3, "ОБЖ": 1}
HIGH = {"Русский язык": 1, "Литература": 3, "Английский язык": 3, "Алгебра": 3, "Геометрия": 2,
        "Информатика": 1, "История": 2, "Обществознание": 2, "География": 1, "Биология": 1, "Физика": 2,
        "Химия": 1, "Физическая культура": 3, "ОБЖ": 1, "МХК": 1}
SHORT = {"Русский язык": "Рус. яз.", "Литературное чтение": "Лит. чт.", "Изобразительное искусство": "ИЗО",
         "Окружающий мир": "Окр. мир", "Физическая культура": "Физ-ра", "Английский язык": "Англ. яз.",
         "Обществознание": "Общество"}
PRIMARY_CLASS_TEACHER_SUBJECTS = {"Русский язык", "Литературное чтение", "Математика", "Окружающий мир",
                                  "Изобразительное искусство", "Технология"}
MAX_TEACHER_HOURS = 27


def curriculum(grade: int) -> dict[str, int]:
    if grade <= 4:
        plan = dict(PRIMARY)
        if grade == 1:
            plan.pop("Английский язык")
            plan["Литературное чтение"] = 3
        return plan
    if grade <= 6:
        return dict(MIDDLE)
    return dict(SENIOR if grade <= 9 else HIGH)


class DemoRefused(Exception):
    """The database holds data that is not the demo's; nothing was written."""


@dataclass
class Summary:
    municipalities: int = 0
    schools: int = 0
    full_schools: int = 0
    pupils: int = 0
    lessons: int = 0
    marks: int = 0
    absences: int = 0
    already_loaded: bool = False
    skipped_not_empty: bool = False

    def __str__(self) -> str:
        if self.already_loaded:
            return "Демонстрационный регион уже загружен."
        if self.skipped_not_empty:
            return "База данных не пуста: демонстрационные данные не загружались."
        return (f"Загружен демонстрационный регион. Муниципальных образований: {self.municipalities}; "
                f"школ: {self.schools}, из них с журналами: {self.full_schools}; учеников: {self.pupils}; "
                f"уроков: {self.lessons}; отметок: {self.marks}; пропусков: {self.absences}.")


def _bulk(session: Session, model, rows: list[dict]) -> None:
    """Insert plain rows: COPY on PostgreSQL, Core executemany elsewhere (no ORM bookkeeping)."""
    if not rows:
        return
    table = model.__table__ if hasattr(model, "__table__") else model
    columns, rows = _uniform_rows(table, rows)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _copy_rows(connection, table, columns, rows)
        return
    if connection.dialect.name == "sqlite":
        _sqlite_insert(connection, table, columns, rows)
        return
    for start in range(0, len(rows), 5000):
        connection.execute(table.insert(), rows[start:start + 5000])


def _uniform_rows(table, rows: list[dict]) -> tuple[list[str], list[dict]]:
    """The columns the rows name, and rows that all name them: a row lacking a column gets the
    column's scalar default (None without one). The first and last rows are asked first, which
    settles the common case of rows made alike without reading them all."""
    columns = list(dict.fromkeys(key for row in rows[:1] + rows[-1:] for key in row))
    if any(len(row) != len(columns) for row in rows):
        columns = list(dict.fromkeys(key for row in rows for key in row))
        fill = {c: _scalar_default(table.c[c]) for c in columns}
        rows = [{**fill, **row} for row in rows]
    return columns, rows


def _scalar_default(column):
    return column.default.arg if column.default is not None and column.default.is_scalar else None


def _copy_rows(connection, table, columns: list[str], rows: list[dict]) -> None:
    raw = connection.connection.driver_connection
    with raw.cursor().copy(f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _sqlite_insert(connection, table, columns: list[str], rows: list[dict]) -> None:
    # The driver's executemany directly: SQLAlchemy's per-row processing costs more than SQLite does.
    sql = f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
    values = map(itemgetter(*columns), rows) if len(columns) > 1 else ((row[columns[0]],) for row in rows)
    decimals = [i for i, c in enumerate(columns) if any(isinstance(row[c], Decimal) for row in rows[:50])]
    if decimals:
        values = (tuple(float(v) if i in decimals and v is not None else v for i, v in enumerate(t)) for t in values)
    connection.connection.driver_connection.executemany(sql, values)


def _next_id(session: Session, model) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1


def load_demo(session: Session, sm, *, password: str, schools: int = 1400, full_schools: int = 3,
              if_empty: bool = False, seed: int = 2613, filled_until: dt.date = DEMO_DATE,
              lessons_until: dt.date = QUARTERS[1][1], letters: str = "АБ",
              snapshot_months: tuple[dt.date, ...] = (dt.date(2012, 9, 1),)) -> Summary:
    """Load the demo region into an empty database; a second call is a no-op.

    Full schools get lessons up to `lessons_until` and topics, marks and absences up to
    `filled_until` (the benchmark asks for a whole year and more schools). Refuses (DemoRefused)
    when the database holds users or municipalities that are not the demo's, unless `if_empty`,
    which then only reports that nothing was loaded."""
    user_model = sm.user_model
    demo_marker = session.scalar(select(user_model.id).where(user_model.username == "admin",
                                                             user_model.email == "admin@demo.mosreg.local"))
    if demo_marker is not None:
        return Summary(already_loaded=True)
    has_data = session.scalar(select(func.count(user_model.id))) or session.scalar(select(func.count(Municipality.id)))
    if has_data:
        if if_empty:
            return Summary(skipped_not_empty=True)
        raise DemoRefused("В базе данных уже есть данные, не относящиеся к демонстрационному региону: "
                          "демонстрационные данные загружаются только в пустую базу.")
    loader = _Loader(session, sm, password, random.Random(seed))
    loader.filled_until, loader.lessons_until, loader.letters = filled_until, lessons_until, letters
    loader.snapshot_months = snapshot_months
    summary = loader.run(schools, full_schools)
    session.commit()
    return summary


class _Loader:
    def __init__(self, session: Session, sm, password: str, rng: random.Random):
        self.s = session
        self.sm = sm
        self.password = password
        # One hash for every demo account (hashing each would take minutes; they share the password).
        self.password_hash = generate_password_hash(password)
        self.rng = rng
        self.summary = Summary()

    # --- region --------------------------------------------------------------------------
    def run(self, school_count: int, full_count: int) -> Summary:
        s = self.s
        self.year = AcademicYear(name="2012/2013", starts_on=YEAR_START, ends_on=YEAR_END)
        s.add(self.year)
        self.systems = [
            JournalSystem(name="Электронный журнал Московской области", vendor="Министерство образования МО", is_own=True),
            JournalSystem(name="Дневник.ру", vendor="ООО «Дневник.ру»"),
            JournalSystem(name="Сетевой город. Образование", vendor="ЗАО «ИрТех»"),
            JournalSystem(name="ЭлЖур", vendor="ООО «ЭлЖур»"),
        ]
        s.add_all(self.systems)
        self._catalogues()
        s.flush()
        self._municipalities()
        self._schools(school_count)
        self.campaign = self._campaign()
        self._rollout()
        # The demo's full schools are in one municipality; a benchmark asking for more takes others too.
        candidates = self.schools_by_municipality[self.demo_municipality.id] + [
            school for m in self.municipalities if m.id != self.demo_municipality.id
            for school in self.schools_by_municipality[m.id] if school.journal_system_id == self.systems[0].id]
        full = candidates[:full_count]
        self.demo_users = self._demo_logins()
        for index, school in enumerate(full):
            _FullSchool(self, school, first=index == 0).build()
        self.summary.full_schools = len(full)
        self._monitoring_history(exclude={sc.id for sc in full})
        self._methodical_support()
        self._compute_full_schools()
        return self.summary

    def _compute_full_schools(self) -> None:
        """The months of the history computed from the full schools' journals too, as the monitoring
        would have done on the 1st of the next month: the dashboard opens on a month with figures for
        every school (September 2012 in the demo; October is in progress on the demo's today)."""
        for month in self.snapshot_months:
            if next_month(month) <= self.filled_until:
                compute_month(self.s, month, as_of=self.filled_until,
                              now=dt.datetime.combine(next_month(month), dt.time(9, 0)))

    def _catalogues(self) -> None:
        self.s.add_all([
            MarkType(name="Ответ на уроке", short_name="отв", weight=Decimal("1.0"), is_default=True),
            MarkType(name="Домашняя работа", short_name="д/з", weight=Decimal("1.0")),
            MarkType(name="Самостоятельная работа", short_name="с/р", weight=Decimal("1.5")),
            MarkType(name="Диктант", short_name="дикт", weight=Decimal("1.5")),
            MarkType(name="Лабораторная работа", short_name="л/р", weight=Decimal("1.5")),
            MarkType(name="Контрольная работа", short_name="к/р", weight=Decimal("2.0")),
            AbsenceCode(code="н", name="отсутствовал"),
            AbsenceCode(code="б", name="болел", excused=True),
            AbsenceCode(code="у", name="уважительная причина", excused=True),
            AbsenceCode(code="оп", name="опоздал", counts_as_missed=False),
            UsageThreshold(min_lessons_filled_share=Decimal("80"), min_teachers_active_share=Decimal("50")),
        ])
        self.s.flush()
        self.mark_types = {t.short_name: t for t in self.s.scalars(select(MarkType))}

    def _municipalities(self) -> None:
        with DATA_FILE.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.municipalities = [Municipality(name=r["name"], kind=r["kind"]) for r in rows]
        self.s.add_all(self.municipalities)
        self.s.flush()
        self.demo_municipality = next(m for m in self.municipalities if m.name == DEMO_MUNICIPALITY)
        self.summary.municipalities = len(self.municipalities)

    def _schools(self, count: int) -> None:
        rng = self.rng
        weights = [3.0 if m.kind == "муниципальный район" else 1.6 for m in self.municipalities]
        total = sum(weights)
        per = [max(4, round(count * w / total)) for w in weights]
        per[self.municipalities.index(self.demo_municipality)] = max(per[self.municipalities.index(self.demo_municipality)], 12)
        while sum(per) > count and max(per) > 4:
            per[per.index(max(per))] -= 1
        while sum(per) < count:
            per[rng.randrange(len(per))] += 1
        rows = []
        next_id = _next_id(self.s, School)
        self.schools_by_municipality: dict[int, list[School]] = defaultdict(list)
        own = self.systems[0].id
        for m, n in zip(self.municipalities, per):
            place = m.name.split()[0] if m.kind == "муниципальный район" else m.name.replace("городской округ ", "")
            vendor_share = rng.choice((0.0, 0.1, 0.2, 0.35))
            for number in range(1, n + 1):
                kind = rng.choices(("СОШ", "Гимназия", "Лицей", "ООШ"), (80, 8, 5, 7))[0]
                label = {"СОШ": "средняя общеобразовательная школа", "Гимназия": "гимназия", "Лицей": "лицей",
                         "ООШ": "основная общеобразовательная школа"}[kind]
                system = own
                if m.id != self.demo_municipality.id and rng.random() < vendor_share:
                    system = rng.choice(self.systems[1:]).id
                rows.append(dict(id=next_id, municipality_id=m.id,
                                 name=f"Муниципальное бюджетное общеобразовательное учреждение {label} № {number} ({place})",
                                 short_name=f"{kind} № {number}", kind=kind, is_general_education=True,
                                 journal_system_id=system, address=f"{place}, ул. Школьная, д. {number}"))
                next_id += 1
        _bulk(self.s, School, rows)
        for school in self.s.scalars(select(School).order_by(School.id)):
            self.schools_by_municipality[school.municipality_id].append(school)
        self.summary.schools = len(rows)

    def _campaign(self) -> Campaign:
        campaign = Campaign(
            title="Внедрение электронных дневников и журналов успеваемости в 2012 году",
            order_number="2613", order_date=dt.date(2012, 6, 13), target_share=Decimal("75"), report_day=5,
            starts_on=dt.date(2012, 6, 13), ends_on=dt.date(2013, 8, 31),
        )
        items = (
            ("plan_approved", "municipality", "4.1", "План внедрения с количественными показателями охвата утверждён", dt.date(2012, 7, 1)),
            ("responsible_appointed", "municipality", "4.1", "Назначено ответственное лицо за внедрение", dt.date(2012, 7, 1)),
            ("normative_acts", "school", "4.2", "Разработано нормативно-правовое обеспечение", dt.date(2012, 8, 1)),
            ("system_chosen", "school", "4.2", "Выбран вариант системы электронного журнала", dt.date(2012, 8, 1)),
            ("hardware_ready", "school", "4.2", "Подготовлены технические средства и программное обеспечение", dt.date(2012, 8, 1)),
            ("staff_trained", "school", "4.2", "Обучены работники, участвующие во внедрении", dt.date(2012, 8, 1)),
            ("usage_share", "municipality", "4.3", "Система используется не менее чем в 75% школ", dt.date(2012, 9, 1)),
        )
        campaign.milestones = [Milestone(code=c, level=lv, order_item=oi, title=t, due_on=d) for c, lv, oi, t, d in items]
        self.s.add(campaign)
        self.s.flush()
        return campaign

    def _rollout(self) -> None:
        rng = self.rng
        plans, targets, readiness = [], [], []
        plan_id = _next_id(self.s, RolloutPlan)
        for m in self.municipalities:
            demo = m.id == self.demo_municipality.id
            has_plan = demo or rng.random() < 0.93
            if has_plan:
                plan, plan_targets = self._plan_rows(m, plan_id, demo)
                plans.append(plan)
                targets.extend(plan_targets)
                plan_id += 1
            for school in self.schools_by_municipality[m.id]:
                if demo and school is self.schools_by_municipality[m.id][0]:
                    readiness.append(dict(campaign_id=self.campaign.id, school_id=school.id))
                    continue
                readiness.append(self._readiness_row(school, demo))
        _bulk(self.s, RolloutPlan, plans)
        _bulk(self.s, PlanTarget, targets)
        _bulk(self.s, SchoolReadiness, readiness)

    def _plan_rows(self, m: Municipality, plan_id: int, demo: bool) -> tuple[dict, list[dict]]:
        """A municipality's plan and its targets; the demo municipality's plan is left for the
        coordinator to fill in."""
        rng = self.rng
        approved = None if demo else dt.date(2012, 6, rng.randint(18, 30)) + dt.timedelta(days=rng.choice((0, 0, 0, 0, 5, 12)))
        last, first, middle, _ = person(rng)
        plan = dict(
            id=plan_id, campaign_id=self.campaign.id, municipality_id=m.id,
            approval_doc_number=None if demo else f"{rng.randint(100, 999)}-р", approval_doc_date=approved,
            responsible_full_name=None if demo else f"{last} {first} {middle}",
            responsible_position=None if demo else "заместитель начальника управления образования",
            responsible_phone=None if demo else f"+7 (49{rng.randint(0, 9)}) {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
            responsible_email=None, responsible_appointed_on=approved,
        )
        targets = []
        if not demo:
            targets.append(dict(plan_id=plan_id, target_date=dt.date(2012, 9, 1), share=Decimal(rng.choice((75, 80, 85, 90, 100)))))
            targets.append(dict(plan_id=plan_id, target_date=dt.date(2012, 12, 31), share=Decimal(100)))
        return plan, targets

    def _readiness_row(self, school: School, demo: bool) -> dict:
        rng = self.rng
        # The demo municipality's other schools were ready on time, so that the coordinator's
        # plan and the first school's checklist are all that stands between it and green.
        ready = 1.0 if demo else rng.random()
        delays = (0,) if demo else (0, 0, 0, 0, 0, 9, 20)
        on = lambda: dt.date(2012, 7, rng.randint(2, 31)) + dt.timedelta(days=rng.choice(delays))  # noqa: E731
        total = rng.randint(25, 70)
        return dict(
            campaign_id=self.campaign.id, school_id=school.id,
            normative_acts_doc=f"Положение об электронном журнале, приказ № {rng.randint(10, 99)}" if ready > 0.05 else None,
            normative_acts_on=on() if ready > 0.05 else None,
            system_chosen_on=on() if ready > 0.03 else None,
            hardware_ready_on=on() if ready > 0.12 else None,
            hardware_note="Компьютеры в кабинетах, доступ в интернет" if ready > 0.12 else None,
            staff_trained=total if ready > 0.2 else rng.randint(0, total // 2), staff_total=total,
            staff_trained_on=on() if ready > 0.2 else None,
        )

    # --- people ----------------------------------------------------------------------------
    def add_login(self, username: str, role: str, first: str, last: str, *, staff_id: int | None = None,
                  guardian_id: int | None = None, pupil_id: int | None = None, **place):
        """A demo login, made through the door of every real account (app.accounts.issue) with the
        demo's password, and used since the demo's first school day."""
        [user_id] = create_accounts(self.s, DEMO_ISSUER, [NewAccount(
            username, role, first, last, email=f"{username}@demo.mosreg.local", place=Place(**place),
            staff_id=staff_id, guardian_id=guardian_id, pupil_id=pupil_id, password_hash=self.password_hash,
        )], now=ACCOUNTS_ISSUED)
        note_first_login(self.s, user_id, username, FIRST_LOGINS)
        return self.s.get(self.sm.user_model, user_id)

    def _demo_logins(self) -> dict:
        users = {
            "admin": self.add_login("admin", R.ADMIN, "Андрей", "Администраторов"),
            "ministry": self.add_login("ministry", R.MINISTRY, "Алла", "Шмагина"),
            "monitor": self.add_login("monitor", R.MONITORING, "Олег", "Мониторов"),
            "methodist": self.add_login("methodist", R.METHODIST, "Мария", "Методистова"),
            "municipal": self.add_login("municipal", R.MUNICIPAL, "Наталья", "Координаторова",
                                        municipality_id=self.demo_municipality.id),
            "vendor": self.add_login("vendor", R.VENDOR, "Служебная", "Учётная запись",
                                     journal_system_id=self.systems[1].id),
        }
        for key in ("director", "secretary", "teacher", "parent", "pupil"):
            users[key] = None  # created with the first full school
        return users

    # --- monitoring history for schools without journals here ---------------------------
    def _monitoring_history(self, exclude: set[int]) -> None:
        """Monthly figures (September 2012 in the demo) for schools whose journals are not in this
        database: imported from the vendors' systems, or entered by hand for the rest."""
        for month in self.snapshot_months:
            self._month_history(month, exclude)

    def _month_history(self, month: dt.date, exclude: set[int]) -> None:
        rng = self.rng
        batch = ImportBatch(month=month, source="file", filename=f"показатели-{month:%Y-%m}-поставщики.xlsx",
                            rows_accepted=0, rows_rejected=0, uploaded_by_id=self.demo_users["monitor"].id)
        self.s.add(batch)
        self.s.flush()
        rows, imported = [], 0
        own = self.systems[0].id
        for m in self.municipalities:
            propensity = 1.0 if m.id == self.demo_municipality.id else rng.choice((0.55, 0.7, 0.8, 0.9, 0.95, 1.0))
            for school in self.schools_by_municipality[m.id]:
                if school.id in exclude:
                    continue
                uses = rng.random() < propensity
                teachers = rng.randint(25, 70)
                due = rng.randint(2500, 6000)
                filled = round(due * (rng.uniform(0.82, 1.0) if uses else rng.uniform(0.2, 0.78)))
                active = round(teachers * (rng.uniform(0.6, 1.0) if uses else rng.uniform(0.1, 0.45)))
                marks = filled * rng.randint(5, 9)
                pupils = rng.randint(300, 1100)
                vendor = school.journal_system_id != own
                imported += vendor
                rows.append(dict(
                    school_id=school.id, month=month, source="imported" if vendor else "entered",
                    teachers_active=active, teachers_total=teachers, lessons_filled=filled, lessons_due=due,
                    marks_entered=marks, marks_on_time=round(marks * rng.uniform(0.6, 0.97)),
                    pupils_total=pupils, pupils_with_diary_access=round(pupils * rng.uniform(0.3, 0.9)),
                    diary_visits=rng.randint(200, 9000), uses_system=uses,
                    import_batch_id=batch.id if vendor else None,
                    entered_by_id=None if vendor else self.demo_users["monitor"].id,
                ))
        _bulk(self.s, UsageSnapshot, rows)
        batch.rows_accepted = imported

    def _methodical_support(self) -> None:
        first_school = self.schools_by_municipality[self.demo_municipality.id][0]
        self.s.add_all([
            Consultation(municipality_id=self.demo_municipality.id, school_id=first_school.id,
                         topic="Выставление четвертных отметок",
                         question="Как выставить четвертную отметку ученику, который болел половину четверти?",
                         status="answered", answer="Если отметок меньше трёх, ставится «н/а» по решению педсовета; см. положение о журнале.",
                         asked_on=dt.date(2012, 10, 2), answered_on=dt.date(2012, 10, 4),
                         methodist_id=self.demo_users["methodist"].id),
            Consultation(municipality_id=self.demo_municipality.id, topic="Доступ родителей к дневнику",
                         question="Как выдать родителям логины к электронному дневнику?", status="new",
                         asked_on=dt.date(2012, 10, 15)),
            Training(municipality_id=self.demo_municipality.id, held_on=dt.date(2012, 8, 22),
                     topic="Работа учителя в электронном журнале", participants=86,
                     methodist_id=self.demo_users["methodist"].id),
            Training(municipality_id=None, held_on=dt.date(2012, 9, 12),
                     topic="Региональный вебинар: ежемесячный мониторинг использования", participants=140,
                     methodist_id=self.demo_users["methodist"].id),
        ])
        for published_on, title, description, filename, lines in DEMO_MATERIALS:
            self.s.add(Material(title=title, description=description, filename=filename,
                                content_type="application/pdf", data=_demo_pdf(title, lines),
                                published_on=published_on, author_id=self.demo_users["methodist"].id))


# The methodists' library: (published on, title, description, file name, the page's lines).
DEMO_MATERIALS = (
    (dt.date(2012, 7, 10), "Положение об электронном журнале (образец для школ)",
     "Образец локального акта школы (п. 4.2 приказа № 2613): кто и как ведёт электронный журнал и дневник.",
     "Положение об электронном журнале.pdf",
     ("Polozhenie ob elektronnom zhurnale", "Obrazets lokalnogo akta shkoly (demo)")),
    (dt.date(2012, 8, 27), "Памятка учителю: отметки, пропуски, тема и домашнее задание",
     "Как заполнять электронный журнал на уроке и после него.",
     "Памятка учителю.pdf",
     ("Pamyatka uchitelyu", "Otmetki, propuski, tema i domashnee zadanie (demo)")),
    (dt.date(2012, 10, 16), "Как выдать родителям доступ к электронному дневнику",
     "Выдача логинов родителям и законным представителям, согласие на обработку персональных данных.",
     "Доступ родителей к дневнику.pdf",
     ("Dostup roditelej k elektronnomu dnevniku", "Vydacha loginov roditelyam (demo)")),
)


def _demo_pdf(title: str, lines: tuple[str, ...]) -> bytes:
    """A one-page A4 PDF with `lines` (ASCII: the standard Helvetica has no Cyrillic) and `title`
    as its document title (UTF-16, shown by viewers in the window's title)."""
    def literal(text: str) -> str:
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    content = ("BT /F1 14 Tf 56 800 Td 20 TL " + " ".join(f"{literal(line)} '" for line in lines) + " ET").encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Title <FEFF%s> >>" % title.encode("utf-16-be").hex().upper().encode("ascii"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class _FullSchool:
    """Classes 1–11, staff, load, bells, timetable, lessons, topics, marks and absences."""

    def __init__(self, loader: _Loader, school: School, *, first: bool):
        self.l = loader
        self.s = loader.s
        self.rng = random.Random(f"school-{school.id}")
        self.school = school
        self.first = first

    def build(self) -> None:
        s, school, year = self.s, self.school, self.l.year
        for number, (start, end) in enumerate(QUARTERS, 1):
            s.add(StudyPeriod(school_id=school.id, academic_year_id=year.id, kind="quarter", number=number,
                              name=f"{number} четверть", starts_on=start, ends_on=end))
        for name, start, end, g1, g2 in HOLIDAYS:
            s.add(Holiday(school_id=school.id, academic_year_id=year.id, name=name, starts_on=start, ends_on=end,
                          grade_from=g1, grade_to=g2))
        for number, (h, m) in enumerate(BELLS, 1):
            start = dt.time(h, m)
            end = (dt.datetime.combine(YEAR_START, start) + dt.timedelta(minutes=45)).time()
            s.add(BellSchedule(school_id=school.id, shift=1, lesson_number=number, starts_at=start, ends_at=end))
        self.gym = Room(school_id=school.id, name="Спортзал", shareable=True)
        s.add(self.gym)
        s.flush()
        self.subjects = {}
        self.teachers: list[Staff] = []
        self.load: dict[int, int] = defaultdict(int)
        self.teacher_subjects: dict[int, set[str]] = defaultdict(set)
        self.rooms: dict[int, Room] = {}
        self._administration()
        self._classes_and_pupils()
        self._teaching_load()
        self._thematic_plans()
        self._timetable()
        self._lessons_and_marks()
        if self.first:
            self._demo_messages()

    def _subject(self, name: str) -> Subject:
        if name not in self.subjects:
            subject = self.s.scalar(select(Subject).where(Subject.name == name, Subject.school_id.is_(None)))
            if subject is None:
                subject = Subject(name=name, short_name=SHORT.get(name, name[:12]))
                self.s.add(subject)
                self.s.flush()
            self.subjects[name] = subject
        return self.subjects[name]

    def _staff(self, position: str, *, teacher: bool = True, female: bool | None = None, user=None) -> Staff:
        last, first, middle, _ = person(self.rng, female=female if female is not None else self.rng.random() < 0.85)
        staff = Staff(school_id=self.school.id, last_name=last, first_name=first, middle_name=middle,
                      position=position, is_teacher=teacher, user_id=user.id if user else None)
        self.s.add(staff)
        self.s.flush()
        if teacher:
            self.teachers.append(staff)
            room = Room(school_id=self.school.id, name=f"Каб. {100 + len(self.rooms) + 1}")
            self.s.add(room)
            self.s.flush()
            self.rooms[staff.id] = room
        return staff

    def _administration(self) -> None:
        users = self.l.demo_users
        director = self._staff("директор", teacher=False, female=True)
        secretary = self._staff("секретарь", teacher=False, female=True)
        self._staff("заместитель директора по УВР", teacher=False)
        if self.first:
            users["director"] = self.l.add_login("director", R.SCHOOL_ADMIN, director.first_name, director.last_name,
                                                 staff_id=director.id)
            users["secretary"] = self.l.add_login("secretary", R.SECRETARY, secretary.first_name, secretary.last_name,
                                                  staff_id=secretary.id)
        # The demo teacher: mathematics in grades 5-6, class teacher of 5А.
        self.demo_teacher = self._staff("учитель математики", female=True)
        self.teacher_subjects[self.demo_teacher.id] = {"Математика"}
        if self.first:
            users["teacher"] = self.l.add_login("teacher", R.TEACHER, self.demo_teacher.first_name,
                                                self.demo_teacher.last_name, staff_id=self.demo_teacher.id)

    def _classes_and_pupils(self) -> None:
        rng, s = self.rng, self.s
        self.classes: list[ClassGroup] = []
        for grade in range(1, 12):
            for letter in self.l.letters:
                teacher = None
                if grade <= 4:
                    teacher = self._staff("учитель начальных классов", female=True)
                    self.teacher_subjects[teacher.id] = set(PRIMARY_CLASS_TEACHER_SUBJECTS)
                elif grade == 5 and letter == "А":
                    teacher = self.demo_teacher
                c = ClassGroup(school_id=self.school.id, academic_year_id=self.l.year.id, grade=grade, letter=letter,
                               shift=1, class_teacher_id=teacher.id if teacher else None)
                s.add(c)
                self.classes.append(c)
        s.flush()
        pupil_rows, guardian_rows, links = [], [], []
        pupil_id, guardian_id = _next_id(s, Pupil), _next_id(s, Guardian)
        self.pupils_by_class: dict[int, list[int]] = defaultdict(list)
        families: list[tuple[int, str]] = []  # (guardian id, family surname) that may take a sibling
        for c in self.classes:
            born = dt.date(2012 - 6 - c.grade, 1, 1)
            for _ in range(rng.randint(22, 27)):
                sibling_of = rng.choice(families) if families and rng.random() < 0.12 else None
                last, first, middle, female = person(rng, surname=sibling_of[1] if sibling_of else None)
                pupil_rows.append(dict(id=pupil_id, school_id=self.school.id, class_group_id=c.id, last_name=last,
                                       first_name=first, middle_name=middle,
                                       birth_date=born + dt.timedelta(days=rng.randint(0, 364)),
                                       enrolled_on=dt.date(2012 - c.grade + 1, 9, 1)))
                self.pupils_by_class[c.id].append(pupil_id)
                if sibling_of:
                    links.append(dict(pupil_id=pupil_id, guardian_id=sibling_of[0], relation="мать"))
                else:
                    family = masculine_surname(last)
                    g_last, g_first, g_middle, _ = person(rng, female=True, surname=family)
                    guardian_rows.append(dict(id=guardian_id, last_name=g_last, first_name=g_first, middle_name=g_middle,
                                              phone=f"+7 (9{rng.randint(10, 99)}) {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                                              email=f"family{guardian_id}@example.ru", notify_mode="none"))
                    links.append(dict(pupil_id=pupil_id, guardian_id=guardian_id, relation="мать"))
                    families.append((guardian_id, family))
                    guardian_id += 1
                pupil_id += 1
        _bulk(s, Pupil, pupil_rows)
        # Bulk rows pass the ORM's hook by: the pupils' first memberships in one statement.
        s.execute(first_membership_rows(select(Pupil.id).where(Pupil.school_id == self.school.id)))
        _bulk(s, Guardian, guardian_rows)
        _bulk(s, GuardianLink, links)
        self.l.summary.pupils += len(pupil_rows)
        self.guardian_ids = [g["id"] for g in guardian_rows]
        if self.first:
            self._demo_family()
        self._family_logins(guardian_rows)

    def _demo_family(self) -> None:
        """The demo parent has two children: one in 5А (the demo teacher's class), one in 2Б."""
        s, users = self.s, self.l.demo_users
        class_5a = next(c for c in self.classes if c.grade == 5 and c.letter == "А")
        class_2b = next(c for c in self.classes if c.grade == 2 and c.letter == "Б")
        child = s.get(Pupil, self.pupils_by_class[class_5a.id][0])
        younger = s.get(Pupil, self.pupils_by_class[class_2b.id][0])
        family = masculine_surname(child.last_name)
        younger.last_name = surname_for(family, younger.first_name in FEMALE_FIRST)
        guardian = s.scalar(select(Guardian).join(GuardianLink).where(GuardianLink.pupil_id == child.id))
        guardian.last_name = surname_for(family, guardian.first_name in FEMALE_FIRST)
        s.execute(GuardianLink.__table__.delete().where(GuardianLink.pupil_id == younger.id))
        s.add(GuardianLink(pupil_id=younger.id, guardian_id=guardian.id, relation="мать"))
        guardian.email = "parent@demo.mosreg.local"
        s.flush()
        users["parent"] = self.l.add_login("parent", R.PARENT, guardian.first_name, guardian.last_name,
                                           guardian_id=guardian.id)
        users["pupil"] = self.l.add_login("pupil", R.PUPIL, child.first_name, child.last_name, pupil_id=child.id)
        # The parent has told the class teacher that the child will be ill on Monday: waiting for her.
        s.add(AbsenceNotice(pupil_id=child.id, class_group_id=class_5a.id, school_id=class_5a.school_id,
                            starts_on=DEMO_DATE + dt.timedelta(days=3), ends_on=DEMO_DATE + dt.timedelta(days=3),
                            reason=ILLNESS, comment="Температура, вызвали врача на дом", status=PENDING,
                            filed_by_id=users["parent"].id, filed_at=dt.datetime.combine(DEMO_DATE, dt.time(19, 40)),
                            version=1))
        s.flush()
        self.demo_child, self.demo_guardian = child, guardian

    def _demo_messages(self) -> None:
        """The demo parent's question to the demo teacher, answered (unread by the parent), and the
        teacher's announcement of 5А's parents' meeting."""
        s, users = self.s, self.l.demo_users
        teacher, child, guardian = self.demo_teacher, self.demo_child, self.demo_guardian
        teacher_name = f"{teacher.short_name}, {teacher.position.lower()}"
        asked, answered, posted = (dt.datetime(2012, 10, 17, 19, 40), dt.datetime(2012, 10, 18, 8, 15),
                                   dt.datetime(2012, 10, 16, 14, 5))
        question = MessageThread(school_id=self.school.id, pupil_id=child.id, staff_id=teacher.id,
                                 subject="Домашнее задание по математике", created_by_id=users["parent"].id,
                                 created_at=asked, last_message_at=answered)
        question.messages = [
            Message(author_id=users["parent"].id, author_name=f"{guardian.short_name}, родитель", created_at=asked,
                    body=f"Здравствуйте! {child.first_name} болела в понедельник: какие номера нужно сделать к пятнице?"),
            Message(author_id=users["teacher"].id, author_name=teacher_name, created_at=answered,
                    body="Здравствуйте! № 214 и 215 на с. 58; их разберём на уроке в пятницу."),
        ]
        meeting = MessageThread(school_id=self.school.id, class_group_id=child.class_group_id, staff_id=teacher.id,
                                subject="Родительское собрание 25.10.2012", created_by_id=users["teacher"].id,
                                created_at=posted, last_message_at=posted)
        meeting.messages = [Message(author_id=users["teacher"].id, author_name=teacher_name, created_at=posted,
                                    body="Уважаемые родители! Собрание 5А класса — 25.10.2012 в 18:30, кабинет 21.")]
        s.add_all([question, meeting])
        s.flush()
        s.add_all([MessageRead(thread_id=question.id, user_id=users["parent"].id, last_read_id=question.messages[0].id),
                   MessageRead(thread_id=question.id, user_id=users["teacher"].id, last_read_id=question.messages[1].id),
                   MessageRead(thread_id=meeting.id, user_id=users["teacher"].id, last_read_id=meeting.messages[0].id)])

    def _family_logins(self, guardian_rows: list[dict]) -> None:
        """About 70% of families have diary access, through the door of real accounts (logins
        from the guardians' names), used since the demo's first school day."""
        s, rng = self.s, self.rng
        taken = set(s.scalars(select(Guardian.id).where(Guardian.user_id.is_not(None))))
        chosen = [g for g in guardian_rows if g["id"] not in taken and rng.random() <= 0.7]
        logins = unique_logins(s, [login_base(g["last_name"], g["first_name"], g["middle_name"]) for g in chosen])
        user_ids = create_accounts(s, DEMO_ISSUER, [
            NewAccount(login, R.PARENT, g["first_name"], g["last_name"], guardian_id=g["id"],
                       password_hash=self.l.password_hash)
            for login, g in zip(logins, chosen)], now=ACCOUNTS_ISSUED)
        for login, user_id in zip(logins, user_ids):
            note_first_login(s, user_id, login, FIRST_LOGINS)
        self.family_user_guardians = {g["id"] for g in chosen} | taken

    def _teacher_for(self, subject: str, hours: int, class_group: ClassGroup) -> Staff:
        if class_group.grade <= 4 and subject in PRIMARY_CLASS_TEACHER_SUBJECTS:
            return next(t for t in self.teachers if t.id == class_group.class_teacher_id)
        if subject == "Математика" and class_group.grade in (5, 6):
            return self.demo_teacher
        candidates = [t for t in self.teachers if subject in self.teacher_subjects[t.id]
                      and self.load[t.id] + hours <= MAX_TEACHER_HOURS and t is not self.demo_teacher]
        if candidates:
            return min(candidates, key=lambda t: self.load[t.id])
        position = {"Физическая культура": "учитель физической культуры"}.get(subject, f"учитель ({subject.lower()})")
        teacher = self._staff(position)
        self.teacher_subjects[teacher.id] = {subject}
        return teacher

    def _teaching_load(self) -> None:
        self.assignments: dict[int, list[tuple[TeachingAssignment, int]]] = defaultdict(list)
        for c in self.classes:
            for subject, hours in curriculum(c.grade).items():
                teacher = self._teacher_for(subject, hours, c)
                self.load[teacher.id] += hours
                a = TeachingAssignment(class_group_id=c.id, subject_id=self._subject(subject).id, teacher_id=teacher.id,
                                       hours_per_week=Decimal(hours))
                self.s.add(a)
                self.assignments[c.id].append((a, hours))
        self.s.flush()

    def _thematic_plans(self) -> None:
        """The demo teacher's mathematics has the grade's plan (app.demo_plans); her lessons up to
        `filled_until` carry its topics in order, so «Заполнить темы из плана» goes on from there."""
        self.planned_topics: dict[int, list[str]] = {}
        for c in self.classes:
            rows = plan_rows(c.grade)
            for a, _hours in self.assignments[c.id]:
                if not rows or a.teacher_id != self.demo_teacher.id:
                    continue
                plan = ThematicPlan(assignment_id=a.id, changed_at=ACCOUNTS_ISSUED, version=1)
                plan.topics = [PlanTopic(position=n, section=section, topic=topic, hours=hours)
                               for n, (section, topic, hours) in enumerate(rows, 1)]
                self.s.add(plan)
                self.planned_topics[a.id] = lesson_topics(c.grade)
        self.s.flush()

    def _timetable(self) -> None:
        """Greedy placement without clashes: each class fills its days from lesson 1 upwards."""
        rng = self.rng
        busy: set[tuple[int, int, int]] = set()  # (teacher, weekday, number)
        rows = []
        self.slots: dict[int, list[dict]] = defaultdict(list)
        for c in self.classes:
            days = range(1, 6) if c.grade <= 4 else range(1, 7)
            limit = MAX_PER_DAY[c.grade]
            filled = {d: 0 for d in days}
            units = [a for a, hours in self.assignments[c.id] for _ in range(hours)]
            rng.shuffle(units)
            per_day_subject: dict[tuple[int, int], int] = defaultdict(int)
            for a in units:
                order = sorted(days, key=lambda d: (per_day_subject[(d, a.id)], filled[d], rng.random()))
                for day in order:
                    number = filled[day] + 1
                    if number > limit or (a.teacher_id, day, number) in busy:
                        continue
                    busy.add((a.teacher_id, day, number))
                    filled[day] = number
                    per_day_subject[(day, a.id)] += 1
                    room = self.gym if "Физическая" in a.subject.name else self.rooms.get(a.teacher_id)
                    slot = dict(class_group_id=c.id, weekday=day, lesson_number=number, assignment_id=a.id,
                                room_id=room.id if room else None, valid_from=YEAR_START, valid_to=None)
                    rows.append(slot)
                    self.slots[c.id].append(slot)
                    break
        _bulk(self.s, TimetableSlot, rows)

    def _lessons_and_marks(self) -> None:
        s = self.s
        holidays = [(start, end, g1, g2) for _, start, end, g1, g2 in HOLIDAYS]
        of_assignment = self._assignment_lookups()
        grade_of = {c.id: c.grade for c in self.classes}
        lesson_rows = []
        first_id = _next_id(s, Lesson)
        topic_counter: dict[int, int] = defaultdict(int)
        self.homework_texts: dict[int, str] = {}
        for day in self._lesson_days():
            weekday = day.isoweekday()
            for c in self.classes:
                grade = grade_of[c.id]
                if weekday == 7 or any(h0 <= day <= h1 and g1 <= grade <= g2 for h0, h1, g1, g2 in holidays):
                    continue
                for slot in self.slots[c.id]:
                    if slot["weekday"] != weekday:
                        continue
                    lesson_rows.append(self._lesson_row(first_id + len(lesson_rows), c, day, slot, topic_counter,
                                                        of_assignment))
        _bulk(s, Lesson, lesson_rows)
        self.l.summary.lessons += len(lesson_rows)
        self._homework(lesson_rows, grade_of)
        self._marks([r for r in lesson_rows if r["date"] <= self.l.filled_until])

    def _homework(self, lesson_rows: list[dict], grade_of: dict[int, int]) -> None:
        """The homework texts of the lessons, each due at the next lesson of its assignment on a later
        day (the last lesson's on its own day); none in grade 1 (СанПиН 2.4.2.2821-10, п. 10.10)."""
        texts = self.homework_texts
        by_assignment: dict[int, list[dict]] = defaultdict(list)
        for row in lesson_rows:
            by_assignment[row["assignment_id"]].append(row)
        rows = []
        for lessons in by_assignment.values():
            lessons.sort(key=itemgetter("date", "lesson_number"))
            dates = [row["date"] for row in lessons]
            for row in lessons:
                text = texts.get(row["id"])
                if text is None or grade_of[row["class_group_id"]] == 1:
                    continue
                following = bisect_right(dates, row["date"])
                given = dt.datetime.combine(row["date"], dt.time(14, 0))
                rows.append(dict(lesson_id=row["id"], class_group_id=row["class_group_id"], subgroup_id=None,
                                 pupil_id=None, due_on=dates[following] if following < len(dates) else row["date"],
                                 text=text, created_at=given, changed_at=given, version=1))
        _bulk(self.s, Homework, rows)

    def _assignment_lookups(self) -> tuple[dict[int, int], dict[int, str]]:
        """Assignment id -> teacher id, and assignment id -> subject name."""
        teacher_of = {a.id: a.teacher_id for pairs in self.assignments.values() for a, _ in pairs}
        subject_of = {a.id: a.subject.name for pairs in self.assignments.values() for a, _ in pairs}
        return teacher_of, subject_of

    def _lesson_days(self):
        """Every day of each quarter up to `lessons_until`, Sundays and holidays included."""
        for start, end in QUARTERS:
            day = start
            while day <= min(end, self.l.lessons_until):
                yield day
                day += dt.timedelta(days=1)

    def _lesson_row(self, lesson_id: int, c: ClassGroup, day: dt.date, slot: dict, topic_counter: dict[int, int],
                    of_assignment: tuple[dict[int, int], dict[int, str]]) -> dict:
        """A lesson of `slot` on `day`; up to `filled_until` it has a topic, most have homework (its
        text kept in `homework_texts` by lesson id, for `_homework`)."""
        rng = self.rng
        teacher_of, subject_of = of_assignment
        filled = day <= self.l.filled_until
        topic_counter[slot["assignment_id"]] += 1
        k = topic_counter[slot["assignment_id"]]
        planned = self.planned_topics.get(slot["assignment_id"], [])
        topic = planned[k - 1] if k <= len(planned) else f"{subject_of[slot['assignment_id']]}: тема {k}"
        homework = f"§ {k}, упр. {rng.randint(1, 40)}" if filled and rng.random() < 0.7 else None
        if homework is not None:
            self.homework_texts[lesson_id] = homework
        return dict(
            id=lesson_id, assignment_id=slot["assignment_id"], class_group_id=c.id,
            school_id=self.school.id, date=day, lesson_number=slot["lesson_number"],
            teacher_id=teacher_of[slot["assignment_id"]], room_id=slot["room_id"], cancelled=False,
            topic=topic if filled else None, version=1,
        )

    def _marks(self, lessons: list[dict]) -> None:
        rng, s = self.rng, self.s
        types = self.l.mark_types
        default_type, written = types["отв"].id, (types["с/р"].id, types["к/р"].id, types["д/з"].id)
        codes = ("н", "б", "б", "у", "оп")
        mark_rows, absence_rows = [], []
        user_of_teacher = {t.id: t.user_id for t in self.teachers}
        ability = {p: rng.uniform(3.0, 4.9) for pupils in self.pupils_by_class.values() for p in pupils}
        # First graders are taught without marks (the default of app.journal.assessment): their
        # lessons get attendance only. The random draws stay the same, so the other classes'
        # marks are what they always were.
        unmarked = {c.id for c in self.classes if default_mode(c.grade) == UNMARKED}
        for lesson in lessons:
            pupils = self.pupils_by_class[lesson["class_group_id"]]
            marked = lesson["class_group_id"] not in unmarked
            test = rng.random() < 0.08
            mark_type = rng.choice(written) if test else default_type
            share = 0.9 if test else 0.22
            created = dt.datetime.combine(lesson["date"], dt.time(15, 0)) + dt.timedelta(
                days=rng.choice((0, 0, 0, 0, 0, 0, 1, 3)))
            for pupil in pupils:
                if rng.random() < 0.045:
                    absence_rows.append(dict(lesson_id=lesson["id"], pupil_id=pupil, code=rng.choice(codes),
                                             created_at=created, version=1,
                                             created_by_id=user_of_teacher.get(lesson["teacher_id"])))
                    continue
                if rng.random() < share:
                    value = max(2, min(5, round(rng.gauss(ability[pupil], 0.8))))
                    if not marked:
                        continue
                    mark_rows.append(dict(lesson_id=lesson["id"], pupil_id=pupil, position=0, value=value,
                                          mark_type_id=mark_type, created_at=created, changed_at=created, version=1,
                                          created_by_id=user_of_teacher.get(lesson["teacher_id"])))
        _bulk(s, Mark, mark_rows)
        _bulk(s, Absence, absence_rows)
        self.l.summary.marks += len(mark_rows)
        self.l.summary.absences += len(absence_rows)
        self._diary_visits()

    def _diary_visits(self) -> None:
        rng = self.rng
        with_access = set(self.s.scalars(
            select(GuardianLink.pupil_id)
            .join(Guardian, Guardian.id == GuardianLink.guardian_id)
            .join(Pupil, Pupil.id == GuardianLink.pupil_id)
            .where(Guardian.user_id.is_not(None), Pupil.school_id == self.school.id)
        ))
        rows = []
        day = dt.date(2012, 9, 3)
        while day <= self.l.filled_until:
            for pupil in with_access:
                if rng.random() < 0.35:
                    rows.append(dict(pupil_id=pupil, day=day, visits=rng.randint(1, 4)))
            day += dt.timedelta(days=1)
        _bulk(self.s, DiaryVisit, rows)

