"""In a real browser, on the demo region (today 19.10.2012): the director opens the first quarter's
close, reads what is missing (period marks, topics, teachers), is refused an early close without
confirmation, and closes the quarter early with a reason; the periods page shows who closed it,
when and why. The second quarter, not begun, offers no close."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, db_scalar, guide_shot, sign_in

pytestmark = pytest.mark.e2e

REASON = "Приказ директора № 45 от 18.10.2012: четверть оканчивается раньше"


def no_violations(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_director_reads_what_is_missing_and_closes_the_first_quarter_early(guarded_page, live_server):
    page = guarded_page
    sign_in(page, live_server, "director")
    page.get_by_role("button", name="Журнал", exact=True).click()
    page.get_by_role("link", name="Закрытие периодов").click()
    page.wait_for_url(f"{live_server.url}/journal/periods/")
    first = page.locator("tbody tr", has=page.get_by_role("cell", name="1 четверть", exact=True))
    second = page.locator("tbody tr", has=page.get_by_role("cell", name="2 четверть", exact=True))
    expect(first.locator("td").nth(3)).to_have_text("открыт")
    expect(second.locator("td").nth(3)).to_have_text("ещё не начался")
    expect(second.get_by_role("link", name="Закрыть период")).to_have_count(0)
    no_violations(page)

    first.get_by_role("link", name="Закрыть период").click()
    page.wait_for_url("**/journal/periods/*/close")
    expect(page.locator("h1")).to_have_text("Закрытие периода «1 четверть»")
    expect(page.locator("#close-summary")).to_contain_text("Учеников без итоговой отметки (по предметам):")
    expect(page.locator("#close-teachers tbody tr").first).to_be_visible()
    expect(page.locator("#close-marks tbody tr").first).to_be_visible()
    expect(page.locator("#close-early")).to_contain_text("Период оканчивается 27.10.2012.")
    no_violations(page)
    guide_shot(page, "director-1-close-check")

    # Without confirming the early close: refused, nothing closed, the reason typed is kept.
    page.get_by_label("Причина досрочного закрытия").fill(REASON)
    page.get_by_role("button", name="Закрыть период").click()
    expect(page.locator("#close-error")).to_contain_text("подтвердите досрочное закрытие и укажите причину")
    expect(page.get_by_label("Причина досрочного закрытия")).to_have_value(REASON)
    period_id = int(page.url.rstrip("/").split("/")[-2])
    assert db_scalar(live_server, "SELECT locked_at FROM study_period WHERE id = :p", p=period_id) is None

    page.get_by_label("Закрыть досрочно").check()
    page.evaluate("window.scrollTo(0, 0)")       # guide_shot clips by the box seen from the page's top
    guide_shot(page, "director-1-close-early", "#close-form")
    page.get_by_role("button", name="Закрыть период").click()
    page.wait_for_url(f"{live_server.url}/journal/periods/")
    expect(page.locator(".alert-success")).to_contain_text("Период «1 четверть» закрыт.")
    expect(first.locator("td").nth(3)).to_contain_text("закрыт 19.10.2012")
    expect(first.locator(".period-events")).to_contain_text("закрыт досрочно 19.10.2012")
    expect(first.locator(".period-events")).to_contain_text(f"(director): «{REASON}»")
    assert db_scalar(live_server, "SELECT reason FROM period_close_event WHERE study_period_id = :p AND early",
                     p=period_id) == REASON
    no_violations(page)
    guide_shot(page, "director-1-periods")
