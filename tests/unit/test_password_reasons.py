"""The Russian reason for a weak password (app.security.passwords._reason), chosen by the longest
pattern of zxcvbn's match sequence; the sequences here are written by hand in zxcvbn's shape."""
import pytest

from app.security.passwords import _Estimate, _reason

TOO_SIMPLE = "Пароль слишком простой: сделайте его длиннее, например из трёх-четырёх несвязанных слов."
OWN = "Пароль содержит ваше имя, фамилию или логин: их пробуют первыми. Придумайте другой."
RUSSIAN_LAYOUT = "Это ряд клавиш или распространённый пароль, набранный в русской раскладке: придумайте другой."
COMMON = "Этот пароль слишком распространён и легко угадывается: придумайте другой."
WORD = "Пароль построен на распространённом слове или имени: добавьте ещё два-три несвязанных слова."
KEYS = "Пароль набран рядом соседних клавиш: такие пароли подбирают первыми."
REPEAT = "Пароль состоит из повторов: «abcabc» угадать почти так же легко, как «abc»."
SEQUENCE = "Пароль содержит последовательность вроде «abc» или «6543»: её легко угадать."
DATE = "Пароль держится на дате или годе: их легко угадать. Добавьте несколько несвязанных слов."


def word(token, dictionary, rank=1):
    return {"pattern": "dictionary", "token": token, "dictionary_name": dictionary, "rank": rank}


def pattern(kind, token):
    return {"pattern": kind, "token": token}


def reason(*sequence, russian_layout=False, own_count=3):
    return _reason(_Estimate(1, list(sequence), russian_layout), own_count)


@pytest.mark.parametrize("sequence,russian_layout,expected", [
    ([], False, TOO_SIMPLE),
    ([pattern("bruteforce", "x7#kq")], True, TOO_SIMPLE),
    ([word("testova", "user_inputs", rank=3)], False, OWN),
    ([word("testova", "user_inputs", rank=3)], True, OWN),
    ([word("moskva", "user_inputs", rank=4)], False, WORD),  # past the account's own words: a Russian word
    ([word("qwerty", "passwords")], True, RUSSIAN_LAYOUT),
    ([pattern("spatial", "asdfgh")], True, RUSSIAN_LAYOUT),
    ([word("qwerty", "passwords")], False, COMMON),
    ([word("dragon", "english_wikipedia")], False, WORD),
    ([word("dragon", "english_wikipedia")], True, WORD),
    ([pattern("spatial", "asdfgh")], False, KEYS),
    ([pattern("repeat", "abcabc")], True, REPEAT),
    ([pattern("sequence", "6543")], False, SEQUENCE),
    ([pattern("date", "1987")], False, DATE),
    ([pattern("regex", "2012")], False, DATE),
])
def test_each_kind_of_pattern_gets_its_sentence(sequence, russian_layout, expected):
    assert reason(*sequence, russian_layout=russian_layout) == expected


def test_the_longest_pattern_decides_and_the_first_of_equal_length():
    assert reason(pattern("sequence", "abcd"), pattern("bruteforce", "x7#kq!z"), pattern("repeat", "zzzzz")) == REPEAT
    assert reason(pattern("spatial", "asdf"), pattern("date", "1987")) == KEYS
    assert reason(pattern("date", "1987"), pattern("spatial", "asdf")) == DATE
