"""The monitoring pages on the app's today (APP_TODAY, here 19.10.2012 as in the demo): complete months
by default, a month in progress only on request and labelled, «нет данных» apart from zero, the
methodology's rule on the page, the register's revisions and sending dates from the app's clock.

The region is tests.monitoring_helpers' (its docstring has the figures); September is computed.
"""
import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import AnalyticalReport, UsageSnapshot
from app.monitoring.indicators import compute_month
from tests.conftest import csrf_token
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world

OCTOBER_19 = dt.date(2012, 10, 19)


@pytest.fixture
def mw(app, session):
    app.config["TODAY"] = OCTOBER_19
    world = build_monitoring_world(session, app.appbuilder.sm)
    compute_month(session, SEPTEMBER)
    return world


def post(client, path, data, page="/monitoring/dashboard", **kwargs):
    return client.post(path, data=dict(data, csrf_token=csrf_token(client, page)), **kwargs)


class _ElementText(HTMLParser):
    """The text inside the element with a given id, its nested elements included."""
    VOID = {"br", "input", "img", "meta", "link", "hr"}

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id, self.depth, self.parts, self.found = element_id, 0, [], False

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(page: str, element_id: str) -> str:
    parser = _ElementText(element_id)
    parser.feed(page)
    assert parser.found, element_id
    return " ".join(" ".join(parser.parts).split())


def test_the_dashboard_opens_on_the_last_complete_month(mw, as_user):
    page = as_user("ministry").get("/monitoring/dashboard").get_data(as_text=True)
    assert "Сводка по области: сентябрь 2012" in page and "неполный месяц" not in page
    assert re.search(r'id="card-schools".*?1 / 5.*?20,0%', page, re.S)
    assert 'id="month-current" href="/monitoring/dashboard?month=2012-10"' in page
    assert 'id="month-complete"' not in page


def test_schools_without_data_are_counted_apart_with_their_reasons_and_the_rule(mw, as_user):
    page = as_user("ministry").get("/monitoring/dashboard").get_data(as_text=True)
    assert text_of(page, "card-no-data") == ("Нет данных за месяц 3 другая система журнала, показатели не "
                                             "загружены — 1 нет уроков в журнале за месяц — 2")
    assert "входит в знаменатель доли" in text_of(page, "no-data-rule")
    beta = re.search(r'<tr data-label="Бетинский район" data-value="" data-plan="33.3">(.*?)</tr>', page, re.S)
    cells = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>",
                                                                             beta.group(1), re.S)]
    # name, schools, using, share (none, not 0 %), plan, change, without data, status
    assert cells == ["Бетинский район", "3", "0", "—", "33,3", "—", "3", "нет данных"]


def test_the_month_in_progress_is_shown_on_request_labelled_and_without_a_trend(mw, as_user, session):
    client = as_user("monitor")
    response = post(client, "/monitoring/compute", {"month": "2012-10"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert ("октябрь 2012 (неполный месяц: по 19.10.2012): рассчитано по журналу — 1; загружено из других систем "
            "— 0; введено вручную — 0; нет данных — 5. Всего школ — 6.") in page
    a1 = session.scalars(select(UsageSnapshot).where(UsageSnapshot.school_id == mw.a1.id,
                                                     UsageSnapshot.month == dt.date(2012, 10, 1))).one()
    assert a1.lessons_due == 1   # 01.10 only: the world's lessons up to 19.10
    page = client.get("/monitoring/dashboard?month=2012-10").get_data(as_text=True)
    assert "(неполный месяц: по 19.10.2012)" in page
    assert text_of(page, "month-state").startswith("Неполный месяц: по 19.10.2012.")
    assert text_of(page, "card-change") == "Изменение к месяцу «сентябрь 2012» — не показано: месяц не завершён"
    assert 'id="month-complete" href="/monitoring/dashboard?month=2012-09"' in page
    # The series lists October, labelled, and draws no point for it.
    assert '<tr data-label="10.2012 (неполный)" data-value="">' in page
    charts = client.get("/monitoring/charts?month=2012-10").get_data(as_text=True)
    assert "(неполный месяц: по 19.10.2012)" in charts and 'id="month-state"' in charts


def test_the_charts_leave_schools_without_data_out_of_the_distribution(mw, as_user):
    page = as_user("ministry").get("/monitoring/charts?indicator=lessons_filled").get_data(as_text=True)
    assert "Диаграммы внедрения: сентябрь 2012" in page
    assert text_of(page, "bins-no-data") == "Нет данных за месяц (в распределение не входят) 3"
    assert '<tr data-label="0–10%" data-value="0">' in page
    assert "Нет данных за месяц: 3 школ (другая система журнала, показатели не загружены — 1; нет уроков в " \
           "журнале за месяц — 2)." in text_of(page, "no-data-rule")


def test_the_export_names_why_a_school_has_no_data(mw, as_user):
    text = as_user("ministry").get("/monitoring/export").get_data().decode("utf-8-sig")
    lines = {line.split(";")[1]: line for line in text.splitlines()[1:]}
    assert lines["СОШ № 22"].endswith(";нет данных: другая система журнала, показатели не загружены")
    assert lines["СОШ № 21"].endswith(";нет данных: нет уроков в журнале за месяц")


def test_the_monitoring_role_sets_the_rule_for_schools_without_data(mw, as_user, session):
    client = as_user("monitor")
    response = post(client, "/monitoring/thresholds", {"lessons_filled": "80", "teachers_active": "50",
                                                        "no_data": "out"},
                    page="/monitoring/thresholds", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Пороги изменены" in page and "вне доли" in page
    assert "не входит в знаменатель доли" in text_of(page, "no-data-rule")
    dashboard = client.get("/monitoring/dashboard").get_data(as_text=True)
    assert re.search(r'id="card-schools".*?1 / 5.*?50,0% от 2 школ с данными', dashboard, re.S)


def test_sending_is_dated_by_the_apps_clock_and_a_sent_report_is_never_rewritten(mw, as_user, session, app):
    app.config["TODAY"] = dt.date(2012, 10, 4)   # before the due date, 05.10.2012
    client = as_user("monitor")
    first = post(client, "/monitoring/report", {"month": "2012-09"})
    assert load_workbook(io.BytesIO(first.data), data_only=True)["Сводка"]["A2"].value.startswith(
        "Приказ № 2613 от 13.06.2012. Сформирована 04.10.2012 ")
    entry = session.scalars(select(AnalyticalReport)).one()
    post(client, f"/monitoring/register/{entry.id}/sent", {}, page="/monitoring/register")
    session.refresh(entry)
    assert entry.sent_at.date() == dt.date(2012, 10, 4)
    page = client.get("/monitoring/register").get_data(as_text=True)
    assert "mon-late" not in page and "просрочена" not in page

    app.config["TODAY"] = dt.date(2012, 10, 9)
    second = post(client, "/monitoring/report", {"month": "2012-09"})
    assert second.headers["Content-Disposition"].endswith('filename="analiticheskaya-spravka-2012-09-red2.xlsx"')
    session.refresh(entry)
    assert entry.content == first.data and entry.sent_at.date() == dt.date(2012, 10, 4)
    rows = session.scalars(select(AnalyticalReport).order_by(AnalyticalReport.revision)).all()
    assert [(r.revision, r.sent_at is not None) for r in rows] == [(1, True), (2, False)]
    page = client.get("/monitoring/register").get_data(as_text=True)
    september = re.search(r'<tbody class="" data-month="2012-09">(.*?)</tbody>', page, re.S).group(1)
    revisions = [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in re.findall(r"<tr>(.*?)</tr>", september, re.S)]
    assert revisions[0].startswith("09.2012 05.10.2012 2 09.10.2012 ")
    assert "Отметить отправку" in revisions[0]
    assert re.fullmatch(r"1 04\.10\.2012 \d\d:\d\d Monitor Тестов 04\.10\.2012 \d\d:\d\d Monitor Тестов "
                        r"Скачать xlsx Скачать docx", revisions[1])
