"""The text rule with hand-written cases: what is stored, what is refused and how it is said."""
import pytest

from app.models import Homework, JournalChange, Lesson, Pupil
from app.textinput import TextRefused, clean_column, clean_text

NAME = dict(multiline=False, max_length=64, required=True, field="Фамилия")
OPTIONAL_LINE = dict(multiline=False, max_length=500, required=False, field="Тема")
HOMEWORK = dict(multiline=True, max_length=None, required=False, field="Домашнее задание")


def refusal(value, **rule) -> str:
    with pytest.raises(TextRefused) as caught:
        clean_text(value, **rule)
    return caught.value.message


def test_nul_byte_is_refused_naming_the_field_and_the_character():
    assert refusal("Ива\x00нов", **NAME) == ("«Фамилия»: в тексте есть невидимый управляющий символ (U+0000). "
                                            "Наберите значение заново, не копируя его.")


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x7f", "\x85", "\ud800"])
def test_other_control_characters_are_refused(char):
    assert "управляющий символ" in refusal(f"Иван{char}ов", **NAME)


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"])
def test_bidi_overrides_and_isolates_are_refused(char):
    message = refusal(f"{char}вонавИ", **NAME)
    assert message.startswith("«Фамилия»: в тексте есть невидимый знак смены направления письма (U+")
    assert f"U+{ord(char):04X}" in message


@pytest.mark.parametrize("text", ["Ива\u200bнов", "\ufeffИванов", "Ив\u200cан\u200dов", "Иванов\u2060"])
def test_zero_width_characters_are_removed(text):
    assert clean_text(text, **NAME) == "Иванов"


def test_three_spaces_are_refused_where_required_and_none_where_optional():
    assert refusal("   ", **NAME) == "«Фамилия»: заполните поле (одни пробелы не считаются)."
    assert clean_text("   ", **OPTIONAL_LINE) is None
    assert clean_text("\u200b", **OPTIONAL_LINE) is None


def test_a_tab_and_a_newline_are_no_topic():
    assert clean_text("\t\n", **OPTIONAL_LINE) is None


def test_combining_accent_is_composed_to_one_letter():
    assert clean_text("e\u0301", **NAME) == "é"
    assert clean_text("Е\u0308лкин", **NAME) == "\u0401лкин"  # Е + U+0308 -> Ё, one letter as typed
    assert len(clean_text("Е\u0308лкин", **NAME)) == 5


def test_single_line_value_is_trimmed_and_inner_spaces_collapsed():
    assert clean_text("  Иванова \u00a0 Мария  ", **NAME) == "Иванова Мария"


def test_single_line_value_refuses_a_line_break_or_tab_between_words():
    expected = "«Фамилия»: текст должен быть в одну строку, без переносов строк и табуляции."
    assert refusal("Иванова\nМария", **NAME) == expected
    assert refusal("Иванова\r\nМария", **NAME) == expected
    assert refusal("Иванова\tМария", **NAME) == expected


def test_crlf_homework_keeps_its_lines_with_lf_and_no_trailing_spaces():
    typed = "  №1, стр. 5  \r\n\tвыучить правило   \r\n\r\n№2\r"
    assert clean_text(typed, **HOMEWORK) == "№1, стр. 5\n\tвыучить правило\n\n№2"


def test_homework_refuses_other_control_characters():
    assert "(U+000B)" in refusal("стр. 5\x0bупр. 3", **HOMEWORK)


def test_length_is_counted_after_cleaning_and_refused_never_cut():
    reason = dict(multiline=False, max_length=300, required=False, field="Причина")
    assert clean_text("я" * 300, **reason) == "я" * 300
    assert clean_text(" " + "я" * 300 + "\u200b ", **reason) == "я" * 300
    assert refusal("я" * 301, **reason) == "«Причина»: не длиннее 300 знаков, а введено 301. Сократите текст."
    assert "а введено 1000000" in refusal("я" * 1_000_000, **reason)


def test_none_and_non_text_values_pass_unchanged():
    assert clean_text(None, **NAME) is None
    assert clean_text(5, **NAME) == 5


def test_every_model_text_attribute_cleans_what_is_set():
    pupil = Pupil(last_name="  Ива\u200bнова ", first_name="e\u0301", middle_name="   ")
    assert (pupil.last_name, pupil.first_name, pupil.middle_name) == ("Иванова", "é", None)
    with pytest.raises(TextRefused, match="«Имя»: в тексте есть невидимый управляющий символ"):
        pupil.first_name = "Ма\x00рия"
    assert pupil.first_name == "é"  # the refused value was not set
    with pytest.raises(TextRefused, match="«Причина»: не длиннее 300 знаков, а введено 301"):
        JournalChange(reason="я" * 301)
    assert Homework(text="стр. 5\r\nупр. 3 ").text == "стр. 5\nупр. 3"


def test_clean_column_applies_the_columns_rule_with_its_label():
    assert clean_column(Lesson.topic, "\t\n") is None
    with pytest.raises(TextRefused, match="«Тема»: не длиннее 500 знаков, а введено 501"):
        clean_column(Lesson.topic, "т" * 501)
