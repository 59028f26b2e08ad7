"""Today's date for pages: the real date, or the configured APP_TODAY (the demo region lives in
the 2012/2013 school year, so `make run` sets it to the demo's last school day)."""
import datetime as dt

from flask import current_app, has_app_context


def today() -> dt.date:
    configured = current_app.config.get("TODAY") if has_app_context() else None
    return configured or dt.date.today()


def now() -> dt.datetime:
    """The current time in UTC, naive (as the database columns keep it); tests replace it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
