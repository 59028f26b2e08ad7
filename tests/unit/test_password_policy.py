"""The password policy of app.security.manager."""
from __future__ import annotations

import pytest

from app.security.manager import MIN_PASSWORD_LENGTH, common_passwords, password_problem


@pytest.fixture(autouse=True)
def russian(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("password", ["", "short", "Ab-1" * 2, "123456789"])
def test_short_passwords_are_refused(password):
    assert len(password) < MIN_PASSWORD_LENGTH
    assert "не менее 10 символов" in password_problem(password)


@pytest.mark.parametrize("password", ["qwertyuiop", "1234567890", "Password2012!", "QWERTY123456", "moscow2012!!",
                                      "aaaaaaaaaaaa", "ababababab", "01011990!!", "iloveyou2012", "123qwerty123"])
def test_common_and_pattern_passwords_are_refused(password):
    assert "слишком распространён" in password_problem(password)


@pytest.mark.parametrize("password", ["Test-password-2012", "Demo-2612-Journal", "Сирень-цветёт-2012",
                                      "correct horse battery", "7к-Ю9-мост-лес"])
def test_good_passwords_pass(password):
    assert password_problem(password) is None


def test_the_list_is_a_few_thousand_entries():
    assert 3000 < len(common_passwords()) < 50000
    assert "qwerty" in common_passwords() and "password" in common_passwords()
