"""The app's one clock. Every «today», «as of», «generated at» and «sent at» comes from here, in the
region's time: Moscow Oblast lives in Europe/Moscow, so a server kept in UTC must not put the hours
00:00–03:00 on the previous day. `APP_TODAY` (config TODAY) fixes the date for the demo region,
which lives in the 2012/2013 school year, and for tests.

- `today()`: the region's date (APP_TODAY when configured);
- `region_now()`: the region's wall-clock time, naive, as the business timestamps are stored (a
  mark's entry, a report's generation and sending); with APP_TODAY, that day at the current time;
- `now()`: the current time in UTC, naive, for technical timestamps only (sessions, login
  lockout, one-time codes: durations, never shown as a date of the region).

tests/unit/test_clock.py fails on any other module that reads the machine's date or time.
"""
import datetime as dt

from flask import current_app, has_app_context

from app.formats import LOCAL_ZONE as REGION_ZONE  # Europe/Moscow, declared once


def _machine_now() -> dt.datetime:
    """The one read of the machine's clock (aware, UTC); tests replace it."""
    return dt.datetime.now(dt.timezone.utc)


def _configured_today() -> dt.date | None:
    return current_app.config.get("TODAY") if has_app_context() else None


def today() -> dt.date:
    """The region's date: APP_TODAY when configured, else today's date in Europe/Moscow."""
    return _configured_today() or _machine_now().astimezone(REGION_ZONE).date()


def region_now() -> dt.datetime:
    """The region's wall-clock time, naive (Europe/Moscow). With APP_TODAY configured: that date at
    the current time of day, so a report generated in the demo says «19.10.2012 14:05»."""
    moment = _machine_now().astimezone(REGION_ZONE).replace(tzinfo=None)
    configured = _configured_today()
    return dt.datetime.combine(configured, moment.time()) if configured else moment


def now() -> dt.datetime:
    """The current time in UTC, naive, for technical timestamps (sessions, lockout, codes); tests
    replace it."""
    return _machine_now().replace(tzinfo=None)
