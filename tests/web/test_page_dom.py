"""The journal grid and the diary render the DOM recorded in tests/data/page_dom.json, whoever
writes their markup: tag by tag, attribute by attribute, text by text, everything in the page's
<main> (tests.page_dom_helpers; the menu around it belongs to the layout).

The digests were recorded from the pages as they were before their markup moved from Python
strings into Jinja templates; the fragments below were read off those pages by hand. A change meant
to show on these pages records them again (`.venv/bin/python -m tests.page_dom_helpers DIR`) and
its diff of DIR against a recording of the previous commit is the review."""
from __future__ import annotations

import json
import re

import pytest

from app.extensions import db
from tests import page_dom_helpers as dom
from tests.conftest import DEMO_PASSWORD
from tests.factories import PASSWORD


def recorded() -> dict[str, str]:
    return json.loads(dom.DATA.read_text())


def assert_as_recorded(pages: dict[str, str], out) -> None:
    """Every page's digest is the recorded one; a differing page is written to `out` to diff."""
    expected = recorded()
    differing = []
    for name, page in pages.items():
        if dom.digest(page) != expected[name]:
            (out / f"{name}.txt").write_text(page, encoding="utf-8")
            differing.append(name)
    assert not differing, f"not as recorded: {differing}; the pages are in {out}"


def lines(*block: str) -> str:
    """Consecutive lines of a normalised page, each given at its depth from the first."""
    return "\n".join(block)


def contains(page: str, fragment: str) -> bool:
    """The fragment's lines appear consecutively in the page, at one common indentation."""
    rows = page.splitlines()
    first, *rest = fragment.splitlines()
    for index, row in enumerate(rows):
        if row.strip() == first.strip():
            indent = row[: len(row) - len(row.lstrip())]
            if rows[index:index + 1 + len(rest)] == [indent + first.strip()] + [indent + r for r in rest]:
                return True
    return False


@pytest.fixture
def demo_pages(demo_app):
    return dom.pages(demo_app, dom.demo_urls(db.session), DEMO_PASSWORD)


def test_demo_grid_and_diary_render_the_recorded_dom(demo_pages, tmp_path):
    assert set(demo_pages) | set(recorded()) == set(recorded())
    assert_as_recorded(demo_pages, tmp_path)


def test_demo_pages_hold_the_hand_checked_fragments(demo_pages):
    grid = demo_pages["grid-5a-maths-q1-teacher"]
    # The column head of the first lesson; a pupil short of marks, a filled and an empty cell.
    assert contains(grid, lines(
        '<th class="lesson has-topic has-homework" data-date="01.09.2012" data-editable="1" '
        'data-homework="§ 1, упр. 20" data-homework-count="1" data-lesson="1" data-topic="Обозначение натуральных чисел" '
        'data-type="2" data-version="1" scope="col">',
        '  <button class="lesson-head" title="Обозначение натуральных чисел. Д/з: § 1, упр. 20" type="button">',
        '    "01.09"'))
    assert contains(grid, lines(
        '<tr class="shortage" data-pupil="209">',
        '  <td class="num">',
        '    "2"',
        '  <th class="pupil" scope="row">',
        '    "Белов Алексей"',
        '    <span class="sr-only">',
        '      "(мало отметок)"',
        '  <td class="cell">',
        '    <input aria-label="Белов Алексей, 01.09" autocomplete="off" class="cell-input" data-lesson="1" '
        'data-marks="0:1" data-saved="4" maxlength="20" spellcheck="false" value="4">',
        '  <td class="cell">',
        '    <input aria-label="Белов Алексей, 04.09" autocomplete="off" class="cell-input" data-lesson="211" '
        'data-saved="" maxlength="20" spellcheck="false" value="">'))
    assert contains(grid, lines(
        '<tr class="class-average">',
        '  <td>',
        '  <th scope="row">',
        '    "Средний балл класса"',
        '  <td class="cell-average">',
        '    "4,23"'))
    progress = demo_pages["diary-progress-grade5"]
    assert contains(progress, lines(
        '<ul class="diary-mark-list">',
        '  <li class="diary-mark mark-4" title="Ответ на уроке, вес 1">',
        '    <span class="diary-mark-value">',
        '      "4"',
        '    <span class="diary-mark-type">',
        '      "11.09 · отв"'))


def test_odd_texts_render_the_recorded_dom_and_stay_text(app, session, tmp_path):
    pages = dom.pages(app, dom.world_urls(session, app.appbuilder.sm), PASSWORD)
    assert_as_recorded(pages, tmp_path)

    grid = pages["world-grid-maths-teacher"]
    assert not re.search(r"^ *<(b|i|script)>$", grid, re.M)  # no element made of a text
    assert contains(grid, lines(
        '<th class="pupil" scope="row">',
        '  "О\'Нил <b>\\"Ко\\"</b> & Ли Мария"'))
    assert contains(grid, lines(
        '<td class="cell absent">',
        '  <input aria-label="О\'Нил <b>\\"Ко\\"</b> & Ли Мария, 17.09" autocomplete="off" class="cell-input" '
        'data-absence="1" data-lesson="4" data-marks="0:1" data-saved="оп 4" maxlength="20" spellcheck="false" '
        'value="оп 4">'))
    assert contains(grid, lines(
        '<td class="cell">',
        '  <input aria-label="Алексеева Мария, 18.09" autocomplete="off" class="cell-input" data-lesson="7" '
        'data-marks="0:1,1:1" data-saved="3/5" maxlength="20" spellcheck="false" value="3/5">'))
    assert contains(grid, lines(
        '<button class="lesson-head" title="Дроби <script>alert(\\"x\\")</script> & \'доли\'. '
        'Д/з: Стр. 40 <i>№ 15</i> & \\"16\\"" type="button">',
        '  "17.09"'))
    russian = pages["world-grid-russian-class-teacher"]
    assert contains(russian, lines(
        '<td class="cell">',
        '  <input aria-label="О\'Нил <b>\\"Ко\\"</b> & Ли Мария, 18.09" autocomplete="off" class="cell-input" '
        'data-lesson="6" data-saved="" maxlength="20" readonly="" spellcheck="false" value="">'))

    week = pages["world-diary-week"]
    assert contains(week, lines(
        '<div class="diary-meta">',
        '  "Иванова А.П. · каб. 21"',
        '<div class="diary-topic">',
        '  <span class="diary-k">',
        '    "Тема:"',
        '  "Дроби <script>alert(\\"x\\")</script> & \'доли\'"'))
    # Monday's homework at Tuesday's mathematics, the day it is due.
    assert contains(week, lines(
        '<div class="diary-homework">',
        '  <span class="diary-k">',
        '    "Д/з к уроку:"',
        '  "Стр. 40 <i>№ 15</i> & \\"16\\""',
        '  <span class="diary-given">',
        '    "(задано 17.09)"'))
    assert contains(week, lines(
        '<span class="diary-mark mark-5" title="Контрольная работа, вес 2: Молодец <b>\\"5\\"</b> & всё">',
        '  <span class="diary-mark-value">',
        '    "5"',
        '  <span class="diary-mark-type">',
        '    "Контрольная работа ×2"'))
    assert contains(week, lines('<div class="diary-meta">', '  "Иванова А.П. · Зал \\"А\\" <1>"'))
    assert contains(week, lines('<div class="diary-meta">', '  "Иванова А.П. (вместо Петрова А.П.)"'))
