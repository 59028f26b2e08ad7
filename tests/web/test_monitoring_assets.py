"""Monitoring pages take nothing from outside and carry no inline event handlers (CSP)."""
from app.monitoring.indicators import compute_month
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world
from tests.web.test_assets import check_page


def test_monitoring_pages_take_nothing_from_outside(app, session, as_user):
    build_monitoring_world(session, app.appbuilder.sm)
    compute_month(session, SEPTEMBER)
    client = as_user("monitor")
    problems = []
    for path in ("/monitoring/dashboard?month=2012-09", "/monitoring/charts?month=2012-09", "/monitoring/import",
                 "/monitoring/thresholds", "/monitoring/register", "/usagesnapshotview/list/"):
        response = client.get(path)
        assert response.status_code == 200, path
        problems += check_page(response, path)
    assert problems == []
