"""The suite builds an app per test: one it has dropped must be collected, or each test's views and
forms stay in memory (3.5 GB by the end of a serial run, and garbage collections that grow with it)."""
import gc
import weakref

from app import create_app
from app.extensions import csrf


def test_an_app_the_test_dropped_is_collected_and_a_live_one_keeps_its_api_exempt(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    api = app.blueprints["UsageSnapshotApi"]
    assert api in csrf._exempt_blueprints, "FAB's JWT API takes no CSRF token while its app lives"
    appbuilder = weakref.ref(app.appbuilder)
    del app, api
    gc.collect()
    assert appbuilder() is None, "something outside the app still holds its views"
