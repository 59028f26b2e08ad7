"""When a login session still counts (app.security.sessions.session_counts), figures by hand."""
import datetime as dt

from app.security.sessions import key_hash, needs_touch, session_counts

NOW = dt.datetime(2012, 11, 12, 9, 0, 0, 700000)
LIFETIME = dt.timedelta(minutes=480)
CHANGED = dt.datetime(2012, 11, 12, 8, 30, 0, 400000)  # 1352709000.4 s after the epoch
CHANGED_SECOND = 1352709000


def test_an_ended_or_unknown_session_does_not_count():
    assert session_counts(None, None, None, NOW, LIFETIME) is False


def test_a_session_counts_for_the_lifetime_since_it_was_last_seen():
    assert session_counts(NOW - LIFETIME, None, None, NOW, LIFETIME) is True
    assert session_counts(NOW - LIFETIME - dt.timedelta(seconds=1), None, None, NOW, LIFETIME) is False


def test_a_token_older_than_the_last_password_change_does_not_count():
    seen = NOW - dt.timedelta(minutes=1)
    assert session_counts(seen, CHANGED, CHANGED_SECOND - 1, NOW, LIFETIME) is False
    # `iat` has whole seconds: a token of the change's own second counts (its row decides).
    assert session_counts(seen, CHANGED, CHANGED_SECOND, NOW, LIFETIME) is True
    assert session_counts(seen, None, CHANGED_SECOND - 3600, NOW, LIFETIME) is True


def test_a_cookie_is_not_checked_against_the_password_change():
    """The change ended every row of the user; the fresh one began after it."""
    assert session_counts(NOW, CHANGED, None, NOW, LIFETIME) is True


def test_last_seen_is_written_every_five_minutes_at_most():
    assert needs_touch(NOW - dt.timedelta(minutes=4, seconds=59), NOW) is False
    assert needs_touch(NOW - dt.timedelta(minutes=5), NOW) is True


def test_the_table_keeps_only_a_hash_of_the_key():
    assert key_hash(None) is None
    assert key_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
