"""The benchmark's cases: every hot path as users get it, the raw-SQL lower bound for the same
answer, and the naive approach the framework gives for free.

`open_bench(url)` builds the app on a benchmark database and logs the demo users in;
`build_cases(bench)` returns the cases (bench.harness.Case) for bench.run and the smoke test.

- Pages are requested in-process with Flask's test client, logged in as the user who opens them
  (teacher: grid and save; parent: diary; director: archive; monitor: dashboard, charts).
- Domain functions (monthly compute, monthly report) are called directly, as the CLI/view does.
- Raw SQL: hand-written statements through the same engine, returning the same rows the page
  shows, all on one connection as a request's are (no rendering, no scope clauses, no ORM).
- Naive: a generic FAB ModelView listing of the same marks (`NaiveMarkList` below: FAB's
  ModelView and SQLAInterface with the scope filter, page size = the number of rows), or the chart computed on the fly from marks and lessons
  (app.monitoring.indicators over every month) instead of reading the monthly snapshots.
"""
from __future__ import annotations

import datetime as dt
import gc
import re
import time
import tracemalloc
from dataclasses import dataclass, field

from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.filters import FilterInFunction
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.models import Mark
from app.monitoring.indicators import compute_month, indicators_for_month
from app.monitoring.months import previous_month
from app.monitoring.report import build_report
from app.monitoring.thresholds import current_threshold, uses_system
from app.security.filters import scope_base_filters
from app.views.journal import MarkView
from bench.generate import MONTHS, PASSWORD
from bench.harness import Case

MONTH = dt.date(2013, 3, 1)          # the month computed and reported (a full school month)
DASHBOARD_MONTH = dt.date(2013, 5, 1)  # the latest month with snapshots: the dashboard's default
QUARTER = 3                          # the grid's quarter: the longest one (Jan–Mar)
DIARY_WEEK = dt.date(2013, 3, 11)    # a Monday in that quarter
TODAY = dt.date(2013, 5, 24)         # the pages' "today": the last week of the school year
YEAR_END = dt.date(2013, 5, 31)

USERS = ("teacher", "parent", "director", "monitor")


# --- the naive approach: FAB's generic listing of the same rows ------------------------------

class NaiveFilter:
    """What the naive listing shows: marks of these lessons (and these pupils)."""
    lesson_ids: list[int] = [0]
    pupil_ids: list[int] = [0]


THE_CASE_MARKS = [["lesson_id", FilterInFunction, lambda: NaiveFilter.lesson_ids],
                  ["pupil_id", FilterInFunction, lambda: NaiveFilter.pupil_ids]]


class NaiveMarkList(ModelView):
    """FAB's generic ModelView of marks (FAB's SQLAInterface, the marks list's permissions and
    columns, the scope module's filter) listing the marks of a given set of lessons and pupils on
    one page: what a site built from generic ModelViews would show instead of the grid / the
    diary / the archive. Until the ninth round it was the app's own MarkView; since that list
    loads its rows' relations a statement per page (item 54), it is no longer what FAB gives."""

    datamodel = SQLAInterface(Mark)
    route_base = "/bench/naive-marks"
    class_permission_name = "MarkView"
    base_permissions = ["can_list"]
    list_columns = MarkView.list_columns
    label_columns = MarkView.label_columns
    page_size = 100_000
    # FAB's default list page also renders a search form whose relation filters list every
    # in-scope lesson and pupil as <option>s (ShippedMarkList: 0.1–0.3 s for the grid's teacher).
    # The naive figure leaves that out: it is the listing of the rows alone, which favours FAB.
    search_columns = ["value"]
    base_filters = [*scope_base_filters(Mark), *THE_CASE_MARKS]


class ShippedMarkList(MarkView):
    """The app's MarkView with the search form FAB gives a ModelView by default (every column, so
    every in-scope lesson and pupil rendered as a filter <option>): timed once per database. The
    app's own MarkView searches four columns since the eighth round. (It keeps the app's scoped
    drop-downs and, from the ninth round, its loading of the rows' relations.)"""

    route_base = "/bench/shipped-marks"
    class_permission_name = "MarkView"
    page_size = 100_000
    search_columns = None  # FAB's default: every column
    base_filters = THE_CASE_MARKS  # after the view's own scope filter


# --- the benchmark app and its fixture ---------------------------------------------------------

@dataclass
class Fixture:
    assignment_id: int
    subject_id: int
    class_group_id: int
    school_id: int
    period_id: int
    starts_on: dt.date
    ends_on: dt.date
    year_starts_on: dt.date
    save_lesson_id: int
    save_pupil_id: int
    raw_save_pupil_id: int  # a cell of the same lesson, which the raw SQL's save updates
    child_id: int
    child_class_id: int
    child_school_id: int
    child_period_id: int
    child_period_starts: dt.date
    child_period_ends: dt.date
    archive_class_id: int


@dataclass
class Bench:
    app: object
    fixture: Fixture
    clients: dict
    notes: dict = field(default_factory=dict)
    engine: object = None


CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
LOGIN_CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def login(client, username: str, password: str = PASSWORD) -> str:
    """Log a test client in; returns the CSRF token of the session (for JSON posts)."""
    page = client.get("/login/").get_data(as_text=True)
    token = (LOGIN_CSRF_RE.search(page) or CSRF_RE.search(page)).group(1)
    response = client.post("/login/", data={"username": username, "password": password, "csrf_token": token})
    if response.status_code not in (302, 303) or "/login" in response.headers.get("Location", ""):
        raise RuntimeError(f"login of {username} failed ({response.status_code})")
    return token


SECRET_KEY = "bench-secret-key"  # the in-process app's and the load's gunicorn's


def app_config(url: str) -> dict:
    """The app as configured for production, except: the diary's visits wait in the tally for an
    hour (written when the benchmark exits), so that the statements of one request are the same on
    every run. Served, the tally is written every 2 s: one upsert per worker, which the throughput
    run (bench.load, default configuration) includes."""
    return {"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
            "TODAY": TODAY, "RATELIMIT_ENABLED": False, "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False, "pool_use_lifo": True},
            "DIARY_VISITS_WRITE_SECONDS": 3600}


def _one(sql: str, **params):
    row = db.session.execute(text(sql), params).first()
    if row is None:
        raise RuntimeError(f"the benchmark database lacks: {sql.split()[1:4]} {params}")
    return row


def find_fixture() -> Fixture:
    """The demo users' rows: the teacher's largest whole-class assignment, the parent's child."""
    assignment = _one("""
        SELECT ta.id, ta.subject_id, ta.class_group_id, cg.school_id, cg.academic_year_id
        FROM teaching_assignment ta
        JOIN staff s ON s.id = ta.teacher_id JOIN ab_user u ON u.id = s.user_id
        JOIN class_group cg ON cg.id = ta.class_group_id
        WHERE u.username = 'teacher' AND ta.subgroup_id IS NULL
        ORDER BY ta.hours_per_week DESC, (SELECT count(*) FROM pupil p WHERE p.class_group_id = ta.class_group_id) DESC,
                 ta.id
        LIMIT 1""")
    period = _one("""SELECT id, starts_on, ends_on FROM study_period WHERE school_id = :s AND academic_year_id = :y
                     AND number = :n""", s=assignment.school_id, y=assignment.academic_year_id, n=QUARTER)
    year_starts = _one("SELECT starts_on FROM academic_year WHERE id = :y", y=assignment.academic_year_id)[0]
    starts, ends = _date(period.starts_on), _date(period.ends_on)
    # Two cells: the page saves one, the raw SQL updates the other (timed in turn, they must not
    # bump each other's versions).
    cells = db.session.execute(text("""
        SELECT l.id AS lesson_id, p.id AS pupil_id FROM lesson l JOIN pupil p ON p.class_group_id = l.class_group_id
        WHERE l.assignment_id = :a AND l.date >= :s AND l.date <= :e AND l.cancelled = false
          AND NOT EXISTS (SELECT 1 FROM absence x WHERE x.lesson_id = l.id AND x.pupil_id = p.id)
          AND NOT EXISTS (SELECT 1 FROM mark m WHERE m.lesson_id = l.id AND m.pupil_id = p.id AND m.position > 0)
        ORDER BY l.date, l.lesson_number, p.last_name, p.first_name, p.id LIMIT 2"""),
        dict(a=assignment.id, s=starts, e=ends)).all()
    if len(cells) < 2:
        raise RuntimeError(f"the benchmark database lacks two cells to save in assignment {assignment.id}")
    save, raw_save = cells
    child = _one("""
        SELECT p.id, p.class_group_id, p.school_id, cg.academic_year_id FROM pupil p
        JOIN guardian_link gl ON gl.pupil_id = p.id JOIN guardian g ON g.id = gl.guardian_id
        JOIN ab_user u ON u.id = g.user_id JOIN class_group cg ON cg.id = p.class_group_id
        WHERE u.username = 'parent' ORDER BY p.id LIMIT 1""")
    child_period = _one("""SELECT id, starts_on, ends_on FROM study_period WHERE school_id = :s AND academic_year_id = :y
                           AND number = :n""", s=child.school_id, y=child.academic_year_id, n=QUARTER)
    return Fixture(
        assignment_id=assignment.id, subject_id=assignment.subject_id, class_group_id=assignment.class_group_id,
        school_id=assignment.school_id,
        period_id=period.id, starts_on=starts, ends_on=ends, year_starts_on=_date(year_starts),
        save_lesson_id=save.lesson_id, save_pupil_id=save.pupil_id, raw_save_pupil_id=raw_save.pupil_id,
        child_id=child.id, child_class_id=child.class_group_id, child_school_id=child.school_id,
        child_period_id=child_period.id, child_period_starts=_date(child_period.starts_on),
        child_period_ends=_date(child_period.ends_on), archive_class_id=assignment.class_group_id)


def _date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def open_bench(url: str, *, as_served: bool = False) -> Bench:
    """The app on the benchmark database with the naive listing added and the users logged in.
    `as_served`: with the server's garbage collection (see below; not in the test suite's process).

    No app context stays pushed: a request then gets its own, as under a server (a context held
    open would share `g`, hence the logged-in user, between the clients)."""
    app = create_app(app_config(url))
    with app.app_context():
        app.appbuilder.add_view_no_menu(NaiveMarkList())
        app.appbuilder.add_view_no_menu(ShippedMarkList())
        engine = db.engine
        fixture = find_fixture()
        db.session.remove()
    clients = {}
    for user in USERS:
        client = app.test_client()
        login(client, user)
        clients[user] = client
    bench = Bench(app=app, fixture=fixture, clients=clients, engine=engine)
    activate(bench)
    if as_served:
        # As a served app does (app.create_app): what start-up built stays out of the collector's
        # full passes, which otherwise land on a random run of a heavy case (p90 twice the median).
        gc.freeze()
    return bench


def activate(bench: Bench) -> None:
    """The raw SQL runs on this bench's database from now on (two benches may be open at once)."""
    global ENGINE
    ENGINE = bench.engine


def close_bench(bench: Bench) -> None:
    with bench.app.app_context():
        db.session.remove()
        db.engine.dispose()
    gc.unfreeze()  # what an `as_served` bench froze can be collected again


# --- helpers -----------------------------------------------------------------------------------

def get(client, path: str, *, expect: str | None = None, size: int = 0):
    """GET that must answer 200 (a redirect to the login page would be a fast, wrong answer)."""
    response = client.get(path)
    body = response.get_data()
    if response.status_code != 200 or len(body) < size or (expect and expect.encode() not in body):
        raise RuntimeError(f"GET {path}: {response.status_code}, {len(body)} bytes")
    return body


ENGINE = None  # the benchmark app's engine (set by open_bench)


def rows(sql: str, **params) -> list:
    with ENGINE.connect() as connection:
        return connection.execute(text(sql), params).all()


def fetch(*queries: tuple[str, dict]) -> list[list]:
    """The rows of each (sql, params), all on one connection: a raw lower bound pays one pool
    checkout and one transaction, as a page's request does (a checkout per statement would add
    ~0.5 ms each on PostgreSQL: the ROLLBACK of its return, the BEGIN of the next)."""
    with ENGINE.connect() as connection:
        return [connection.execute(text(sql), params).all() for sql, params in queries]


def naive_listing(client, lesson_ids: list[int], pupil_ids: list[int]):
    NaiveFilter.lesson_ids, NaiveFilter.pupil_ids = lesson_ids or [0], pupil_ids or [0]
    return get(client, f"/bench/naive-marks/list/?psize_NaiveMarkList={NaiveMarkList.page_size}")


# --- the cases ---------------------------------------------------------------------------------

def build_cases(bench: Bench) -> list[Case]:
    f = bench.fixture
    c = bench.clients
    cases = [
        _grid(f, c), _save(f, c), _diary_week(f, c), _progress(f, c),
        _dashboard(c, bench.app), _chart(c, bench.app), _compute(bench.app), _report(bench.app),
        _archive(f, c),
    ]
    return cases


# The grid shows on each lesson the task given to its class and how many tasks were given there.
GRID_LESSONS = """SELECT id, date, lesson_number, topic,
        (SELECT h.text FROM homework h WHERE h.lesson_id = lesson.id AND h.pupil_id IS NULL
         ORDER BY h.subgroup_id IS NOT NULL, h.id LIMIT 1),
        (SELECT count(*) FROM homework h WHERE h.lesson_id = lesson.id), version FROM lesson
    WHERE assignment_id = :a AND cancelled = false AND date >= :s AND date <= :e ORDER BY date, lesson_number"""
GRID_PUPILS = """SELECT id, last_name, first_name FROM pupil WHERE class_group_id = :c
    ORDER BY last_name, first_name, middle_name, id"""
# The grid's own title and last column: the class, subject and teacher of the assignment, and each
# pupil's mark for the period (the page shows both; the raw SQL of rounds 1–5 left them out).
GRID_HEADING = """SELECT ta.id, ta.hours_per_week, cg.grade, cg.letter, s.name, t.last_name, t.first_name,
        t.middle_name, sg.name
    FROM teaching_assignment ta JOIN class_group cg ON cg.id = ta.class_group_id JOIN subject s ON s.id = ta.subject_id
    LEFT JOIN staff t ON t.id = ta.teacher_id LEFT JOIN subgroup sg ON sg.id = ta.subgroup_id WHERE ta.id = :a"""
GRID_PUPILS_MARKED = """SELECT p.id, p.last_name, p.first_name, pm.value, pm.version FROM pupil p
    LEFT JOIN period_mark pm ON pm.pupil_id = p.id AND pm.class_group_id = :c AND pm.subject_id = :subject
        AND pm.study_period_id = :period
    WHERE p.class_group_id = :c ORDER BY p.last_name, p.first_name, p.middle_name, p.id"""
GRID_MARKS = """SELECT m.lesson_id, m.pupil_id, m.position, m.value, m.mark_type_id, m.version
    FROM mark m JOIN lesson l ON l.id = m.lesson_id
    WHERE l.assignment_id = :a AND l.cancelled = false AND l.date >= :s AND l.date <= :e"""
GRID_ABSENCES = """SELECT x.lesson_id, x.pupil_id, x.code, x.version FROM absence x JOIN lesson l ON l.id = x.lesson_id
    WHERE l.assignment_id = :a AND l.cancelled = false AND l.date >= :s AND l.date <= :e"""


def _grid(f: Fixture, c) -> Case:
    params = dict(a=f.assignment_id, c=f.class_group_id, s=f.starts_on, e=f.ends_on, subject=f.subject_id,
                  period=f.period_id)
    lesson_ids = [r.id for r in rows(GRID_LESSONS, **params)]
    pupil_ids = [r.id for r in rows(GRID_PUPILS, **params)]

    def raw():
        # The study periods and the work types the page also shows are left out: the app keeps
        # them per process, and so would a hand-written page.
        return fetch(*((sql, params) for sql in (GRID_HEADING, GRID_PUPILS_MARKED, GRID_LESSONS, GRID_MARKS,
                                                  GRID_ABSENCES)))

    return Case("journal grid (class × subject × quarter)",
                run=lambda: get(c["teacher"], f"/journal/{f.assignment_id}/?period={f.period_id}", size=10_000),
                raw=raw, naive=lambda: naive_listing(c["teacher"], lesson_ids, pupil_ids), target_ms=50)


def _save(f: Fixture, c) -> Case:
    client = c["teacher"]
    token = CSRF_RE.search(get(client, f"/journal/{f.assignment_id}/?period={f.period_id}").decode()).group(1)

    def saver(pupil_id: int):
        """Saves of the (save lesson, pupil) cell through the page, 4, 5, 4, …: each a real change."""
        marks = rows("SELECT position, version FROM mark WHERE lesson_id = :l AND pupil_id = :p",
                     l=f.save_lesson_id, p=pupil_id)
        state = {"known": {"marks": {str(p): v for p, v in marks}, "absence": None}, "value": 4}

        def save():
            state["value"] = 9 - state["value"]
            response = client.post("/journal/api/cell", headers={"X-CSRFToken": token}, json={
                "lesson_id": f.save_lesson_id, "pupil_id": pupil_id, "assignment_id": f.assignment_id,
                "period_id": f.period_id, "text": str(state["value"]), "known": state["known"]})
            if response.status_code != 200:
                raise RuntimeError(f"save: {response.status_code} {response.get_data(as_text=True)[:200]}")
            state["known"] = response.get_json()["cell"]["known"]
        return save

    raw_value = {"value": 4}

    def raw():
        # The lower bound of a recorded change: the update and its history row, one transaction.
        raw_value["value"] = value = 9 - raw_value["value"]
        cell = dict(l=f.save_lesson_id, p=f.raw_save_pupil_id)
        with ENGINE.begin() as connection:
            connection.execute(text("""UPDATE mark SET value = :v, version = version + 1, changed_at = CURRENT_TIMESTAMP
                WHERE lesson_id = :l AND pupil_id = :p AND position = 0"""), dict(v=value, **cell))
            connection.execute(text("""INSERT INTO journal_change (school_id, entity, action, lesson_id, pupil_id,
                old_value, new_value, user_name, changed_at) VALUES (:s, 'mark', 'update', :l, :p, :o, :v, 'bench',
                CURRENT_TIMESTAMP)"""), dict(s=f.school_id, o=str(9 - value), v=str(value), **cell))

    save = saver(f.save_pupil_id)
    save()
    saver(f.raw_save_pupil_id)()  # the raw's cell holds a mark from now on: its UPDATE always finds the row
    return Case("save one mark (JSON)", run=save, raw=raw, target_ms=15)


WEEK_LESSONS = """SELECT l.id, l.date, l.lesson_number, l.cancelled, l.topic, l.assignment_id, s.name, t.last_name,
        t.first_name, t.middle_name, r.name
    FROM lesson l JOIN teaching_assignment ta ON ta.id = l.assignment_id JOIN subject s ON s.id = ta.subject_id
    JOIN staff t ON t.id = l.teacher_id LEFT JOIN room r ON r.id = l.room_id
    WHERE l.class_group_id = :c AND l.date >= :s AND l.date <= :e ORDER BY l.date, l.lesson_number"""
WEEK_MARKS = """SELECT m.lesson_id, m.value, mt.short_name, mt.weight, m.comment FROM mark m
    JOIN lesson l ON l.id = m.lesson_id JOIN mark_type mt ON mt.id = m.mark_type_id
    WHERE m.pupil_id = :p AND l.class_group_id = :c AND l.date >= :s AND l.date <= :e"""
WEEK_ABSENCES = """SELECT x.lesson_id, x.code FROM absence x JOIN lesson l ON l.id = x.lesson_id
    WHERE x.pupil_id = :p AND l.class_group_id = :c AND l.date >= :s AND l.date <= :e"""
# The homework due in the week for the pupil (the class's, the pupil's groups', the pupil's own) with its files.
WEEK_HOMEWORK = """SELECT h.id, h.due_on, h.text, h.pupil_id, l.date, l.assignment_id, s.name, f.id, f.filename,
        f.size_bytes
    FROM homework h JOIN lesson l ON l.id = h.lesson_id JOIN teaching_assignment ta ON ta.id = l.assignment_id
    JOIN subject s ON s.id = ta.subject_id LEFT JOIN homework_file f ON f.homework_id = h.id
    WHERE h.class_group_id = :c AND h.due_on >= :s AND h.due_on <= :e AND (h.pupil_id IS NULL OR h.pupil_id = :p)
        AND (h.subgroup_id IS NULL OR h.subgroup_id IN (SELECT subgroup_id FROM subgroup_pupil WHERE pupil_id = :p))
    ORDER BY h.due_on, h.id, f.id"""


def _diary_week(f: Fixture, c) -> Case:
    saturday = DIARY_WEEK + dt.timedelta(days=5)
    params = dict(p=f.child_id, c=f.child_class_id, s=DIARY_WEEK, e=saturday)
    lesson_ids = [r.id for r in rows(WEEK_LESSONS, **params)]
    return Case("diary week (parent)",
                run=lambda: get(c["parent"], f"/diary/{f.child_id}/?date={DIARY_WEEK.isoformat()}", size=5_000),
                raw=lambda: fetch((WEEK_LESSONS, params), (WEEK_MARKS, params), (WEEK_ABSENCES, params),
                                  (WEEK_HOMEWORK, params)),
                naive=lambda: naive_listing(c["director"], lesson_ids, [f.child_id]), target_ms=30)


PROGRESS_MARKS = """SELECT s.id, s.name, l.date, m.value, mt.short_name, mt.weight FROM mark m
    JOIN lesson l ON l.id = m.lesson_id JOIN teaching_assignment ta ON ta.id = l.assignment_id
    JOIN subject s ON s.id = ta.subject_id JOIN mark_type mt ON mt.id = m.mark_type_id
    WHERE m.pupil_id = :p AND l.date >= :s AND l.date <= :e ORDER BY s.name, l.date"""
PROGRESS_PERIOD_MARKS = """SELECT subject_id, study_period_id, value FROM period_mark WHERE pupil_id = :p"""
PROGRESS_ABSENCES = """SELECT x.code, count(*) FROM absence x JOIN lesson l ON l.id = x.lesson_id
    WHERE x.pupil_id = :p AND l.date >= :s AND l.date <= :e GROUP BY x.code"""


def _progress(f: Fixture, c) -> Case:
    params = dict(p=f.child_id, s=f.child_period_starts, e=f.child_period_ends)
    lesson_ids = [r.id for r in rows("SELECT id FROM lesson WHERE class_group_id = :c AND date >= :s AND date <= :e",
                                     c=f.child_class_id, s=f.child_period_starts, e=f.child_period_ends)]
    return Case("diary progress (parent, quarter)",
                run=lambda: get(c["parent"], f"/diary/{f.child_id}/progress/?period={f.child_period_id}", size=5_000),
                raw=lambda: fetch((PROGRESS_MARKS, params), (PROGRESS_PERIOD_MARKS, params), (PROGRESS_ABSENCES, params)),
                naive=lambda: naive_listing(c["director"], lesson_ids, [f.child_id]), target_ms=30)


SHARES = """SELECT s.municipality_id, sum(CASE WHEN s.is_general_education THEN 1 ELSE 0 END),
        sum(CASE WHEN s.is_general_education AND u.uses_system THEN 1 ELSE 0 END), count(u.id)
    FROM school s LEFT JOIN usage_snapshot u ON u.school_id = s.id AND u.month = :m GROUP BY s.municipality_id"""
SERIES = """SELECT u.month, sum(CASE WHEN u.uses_system THEN 1 ELSE 0 END) FROM usage_snapshot u
    JOIN school s ON s.id = u.school_id WHERE s.is_general_education AND u.month <= :m
    GROUP BY u.month ORDER BY u.month DESC LIMIT 12"""
MUNICIPALITIES = "SELECT id, name FROM municipality ORDER BY name"
DISTRIBUTION = """SELECT u.lessons_filled, u.lessons_due FROM usage_snapshot u WHERE u.month = :m"""


def _dashboard_raw(month: dt.date, distribution: bool = False):
    def raw():
        queries = [(MUNICIPALITIES, {}), (SHARES, {"m": month}), (SHARES, {"m": previous_month(month)}),
                   (SERIES, {"m": month})]
        return fetch(*queries, *([(DISTRIBUTION, {"m": month})] if distribution else []))
    return raw


def naive_series(app, months=MONTHS, distribution_month: dt.date | None = None):
    """The adoption series computed on the fly: every month's indicators aggregated from lessons
    and marks (app.monitoring.indicators), the verdict applied, counted per municipality."""
    with app.app_context():
        return _naive_series(db.session, months, distribution_month)


def _naive_series(session, months, distribution_month):
    threshold = current_threshold(session)
    municipality_of = dict(session.execute(text("SELECT id, municipality_id FROM school")).all())
    series = {}
    for month in months:
        figures = indicators_for_month(session, month, as_of=YEAR_END)
        using: dict[int, int] = {}
        for school_id, counts in figures.items():
            verdict = uses_system(threshold, **{k: counts[k] for k in (
                "lessons_filled", "lessons_due", "teachers_active", "teachers_total")})
            using[municipality_of[school_id]] = using.get(municipality_of[school_id], 0) + verdict
        series[month] = using
        if month == distribution_month:
            bins = [0] * 10
            for counts in figures.values():
                if counts["lessons_due"]:
                    bins[min(counts["lessons_filled"] * 10 // counts["lessons_due"], 9)] += 1
    session.rollback()
    return series


def _dashboard(c, app) -> Case:
    key = DASHBOARD_MONTH.strftime("%Y-%m")
    return Case("monitoring dashboard (region)",
                run=lambda: get(c["monitor"], f"/monitoring/dashboard?month={key}", size=5_000),
                raw=_dashboard_raw(DASHBOARD_MONTH), naive=lambda: naive_series(app), target_ms=100)


def _chart(c, app) -> Case:
    key = DASHBOARD_MONTH.strftime("%Y-%m")
    return Case("adoption chart (region)",
                run=lambda: get(c["monitor"], f"/monitoring/charts?month={key}&indicator=lessons_filled", size=5_000),
                raw=_dashboard_raw(DASHBOARD_MONTH, distribution=True),
                naive=lambda: naive_series(app, distribution_month=DASHBOARD_MONTH), target_ms=100)


COMPUTE_LESSONS = """SELECT school_id, count(*), sum(CASE WHEN length(trim(coalesce(topic, ''))) > 0 THEN 1 ELSE 0 END),
        count(DISTINCT teacher_id)
    FROM lesson WHERE date >= :s AND date < :e AND cancelled = false GROUP BY school_id"""
COMPUTE_MARKS = """SELECT l.school_id, count(m.id) FROM lesson l JOIN mark m ON m.lesson_id = l.id
    WHERE l.date >= :s AND l.date < :e AND l.cancelled = false GROUP BY l.school_id"""
COMPUTE_STAFF = "SELECT school_id, count(*) FROM staff WHERE is_teacher AND active GROUP BY school_id"
COMPUTE_PUPILS = "SELECT school_id, count(*) FROM pupil GROUP BY school_id"
COMPUTE_VISITS = """SELECT p.school_id, sum(v.visits) FROM diary_visit v JOIN pupil p ON p.id = v.pupil_id
    WHERE v.day >= :s AND v.day < :e GROUP BY p.school_id"""
COMPUTE_WRITE = """UPDATE usage_snapshot SET computed_at = CURRENT_TIMESTAMP WHERE month = :s AND source = 'computed'"""


def _compute(app) -> Case:
    params = dict(s=MONTH, e=dt.date(MONTH.year + MONTH.month // 12, MONTH.month % 12 + 1, 1))

    def raw():
        with ENGINE.begin() as connection:
            result = [connection.execute(text(sql), params).all() for sql in (
                COMPUTE_LESSONS, COMPUTE_MARKS, COMPUTE_STAFF, COMPUTE_PUPILS, COMPUTE_VISITS)]
            connection.execute(text(COMPUTE_WRITE), params)
        return result

    def run():
        with app.app_context():
            return compute_month(db.session, MONTH, as_of=YEAR_END)

    return Case("monitoring compute, one month, all schools", run=run, raw=raw, repeat=3, target_ms=10_000,
                grows_with_data=True)


REPORT_SCHOOLS = """SELECT m.name, s.name, u.* FROM school s JOIN municipality m ON m.id = s.municipality_id
    LEFT JOIN usage_snapshot u ON u.school_id = s.id AND u.month = :m ORDER BY m.name, s.name"""


def _report(app) -> Case:
    def run():
        with app.app_context():
            return build_report(db.session, MONTH, generated_by="bench")

    return Case("monthly report xlsx (1,400 schools)", run=run,
                raw=lambda: fetch((REPORT_SCHOOLS, {"m": MONTH}), (SHARES, {"m": MONTH}),
                                  (SHARES, {"m": previous_month(MONTH)})),
                repeat=3, target_ms=5_000)


ARCHIVE_LESSONS = """SELECT l.id, l.assignment_id, l.date, l.topic FROM lesson l
    WHERE l.class_group_id = :c AND l.cancelled = false ORDER BY l.assignment_id, l.date, l.lesson_number"""
ARCHIVE_HOMEWORK = """SELECT h.lesson_id, h.text FROM homework h JOIN lesson l ON l.id = h.lesson_id
    WHERE l.class_group_id = :c AND l.cancelled = false AND h.pupil_id IS NULL ORDER BY h.lesson_id, h.id"""
ARCHIVE_MARKS = """SELECT m.lesson_id, m.pupil_id, m.value, m.mark_type_id FROM mark m JOIN lesson l ON l.id = m.lesson_id
    WHERE l.class_group_id = :c AND l.cancelled = false"""
ARCHIVE_ABSENCES = """SELECT x.lesson_id, x.pupil_id, x.code FROM absence x JOIN lesson l ON l.id = x.lesson_id
    WHERE l.class_group_id = :c AND l.cancelled = false"""


def _archive(f: Fixture, c) -> Case:
    params = dict(c=f.archive_class_id)
    lesson_ids = [r.id for r in rows(ARCHIVE_LESSONS, **params)]
    pupil_ids = [r.id for r in rows(GRID_PUPILS, **params)]
    return Case("journal archive xlsx (class, year)",
                run=lambda: get(c["director"], f"/journal/class/{f.archive_class_id}/archive.xlsx", size=10_000),
                raw=lambda: fetch((ARCHIVE_LESSONS, params), (ARCHIVE_HOMEWORK, params), (ARCHIVE_MARKS, params),
                                  (ARCHIVE_ABSENCES, params)),
                naive=lambda: naive_listing(c["director"], lesson_ids, pupil_ids), repeat=3)


def shipped_listing_ms(bench: Bench) -> float:
    """One request of the as-shipped MarkView list (search form included) for the grid's marks."""
    f = bench.fixture
    params = dict(a=f.assignment_id, c=f.class_group_id, s=f.starts_on, e=f.ends_on)
    NaiveFilter.lesson_ids = [r.id for r in rows(GRID_LESSONS, **params)]
    NaiveFilter.pupil_ids = [r.id for r in rows(GRID_PUPILS, **params)]
    started = time.perf_counter()
    get(bench.clients["teacher"], f"/bench/shipped-marks/list/?psize_ShippedMarkList={ShippedMarkList.page_size}")
    return (time.perf_counter() - started) * 1000


def archive_memory(bench: Bench) -> tuple[float, int]:
    """Peak Python memory (MiB, tracemalloc) of one archive export and the file size (bytes)."""
    f = bench.fixture
    client = bench.clients["director"]
    tracemalloc.start()
    try:
        body = get(client, f"/journal/class/{f.archive_class_id}/archive.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20, len(body)


def archive_rows(bench: Bench) -> int:
    return len(rows(ARCHIVE_MARKS, c=bench.fixture.archive_class_id))
