"""The password policy of app.security.passwords."""
from __future__ import annotations

import re

import pytest

from app.security import roles as R
from app.security.passwords import MIN_PASSWORD_LENGTH, common_passwords, password_problem

TEACHER_NAMES = ("mtestova", "Мария", "Тестова", "m.testova@example.test")


@pytest.fixture(autouse=True)
def russian(app):
    with app.test_request_context():
        yield


def no_english(message: str) -> bool:
    """zxcvbn's own feedback is English: none of it may reach the user (the examples in «» aside)."""
    return not re.search(r"[A-Za-z]{4,}", re.sub(r"«[^»]*»", "", message))


@pytest.mark.parametrize("password", ["", "short", "Ab-1" * 2, "123456789"])
def test_short_passwords_are_refused(password):
    assert len(password) < MIN_PASSWORD_LENGTH
    assert "не менее 10 символов" in password_problem(password)


@pytest.mark.parametrize("password", ["qwertyuiop", "1234567890", "Password2012!", "QWERTY123456", "moscow2012!!",
                                      "aaaaaaaaaaaa", "ababababab", "01011990!!", "iloveyou2012", "123qwerty123"])
def test_common_and_pattern_passwords_are_refused(password):
    assert "слишком распространён" in password_problem(password)


@pytest.mark.parametrize("password, reason", [
    ("1q2w3e4r5t6y", "слишком распространён"),  # a keyboard walk among zxcvbn's common passwords
    ("йцукенгшщз", "в русской раскладке"),  # qwertyuiop typed on the Russian layout
    ("family3family3", "из повторов"),
    ("Москва2024!", "на распространённом слове"),  # a Russian word zxcvbn does not know, and a year
])
def test_weak_passwords_are_refused_with_a_russian_reason(password, reason):
    for roles in ((), (R.TEACHER,)):
        problem = password_problem(password, roles=roles)
        assert problem and reason in problem
        assert no_english(problem)


@pytest.mark.parametrize("password", ["Test-password-2012", "Demo-2612-Journal", "Сирень-цветёт-2012",
                                      "correct horse battery", "7к-Ю9-мост-лес", "Липовая-аллея-77"])
def test_good_passwords_pass(password):
    assert password_problem(password) is None
    assert password_problem(password, names=TEACHER_NAMES, roles=(R.TEACHER,)) is None


def test_the_users_own_surname_and_year_is_refused():
    assert password_problem("Тестова1987", roles=(R.TEACHER,)) is None, "strong enough for a stranger"
    for roles in ((R.TEACHER,), (R.PUPIL,)):
        problem = password_problem("Тестова1987", names=TEACHER_NAMES, roles=roles)
        assert problem and "ваше имя, фамилию или логин" in problem
    # the login, typed on the Latin layout as a Russian word: «ьеуыещмф» is «mtestova» typed in Cyrillic
    assert "ваше имя" in password_problem("ьеуыещмф-1987", names=TEACHER_NAMES, roles=(R.TEACHER,))


def test_a_pupil_level_password_is_enough_for_a_pupil_only():
    password = "sobaka-drug"  # zxcvbn's score 2: two transliterated Russian words
    assert password_problem(password, roles=(R.PUPIL,)) is None
    assert password_problem(password, roles=(R.PARENT,)) is None
    assert "на распространённом слове" in password_problem(password, roles=(R.TEACHER,))
    assert password_problem(password, roles=(R.PUPIL, R.SECRETARY)), "a staff role raises the bar"
    assert password_problem(password), "roles unknown: the staff level"


def test_a_refused_password_is_refused_whatever_its_strength():
    assert password_problem("Demo-2613-Journal") is None
    assert "демонстрационных входов" in password_problem("Demo-2613-Journal", refused=("Demo-2613-Journal",))


def test_the_list_is_a_few_thousand_entries():
    assert 3000 < len(common_passwords()) < 50000
    assert "qwerty" in common_passwords() and "password" in common_passwords()
