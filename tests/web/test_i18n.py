"""The interface speaks Russian: login page, menus, list pages, flashes — no English leftovers."""
from __future__ import annotations

import json
import re

import pytest
from flask_babel import gettext

from app.security import roles as R
from tests.conftest import csrf_token
from tests.factories import make_school
from tests.i18n_helpers import parse
from tests.rollout_helpers import make_system
from tools import i18n

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# Texts Flask-AppBuilder hard-codes in English outside gettext (we override those templates).
HARD_CODED = {"Cancel", "OK", "Select a State", "Select"}


@pytest.fixture(scope="module")
def english_fab_texts() -> set[str]:
    """Every English text FAB could show: its msgids and the hard-coded ones."""
    used = {m.id for m in i18n.fab_messages() if m.id and isinstance(m.id, str)}
    return {text.strip() for text in used | HARD_CODED if text.strip()}


def english_leftovers(html: str, english: set[str]) -> list[str]:
    """Texts on the page that are exactly an English FAB string (a missing translation)."""
    return sorted({text for text in parse(html).texts if text.rstrip(":").strip() in english})


def test_login_page_is_russian(client, english_fab_texts):
    html = client.get("/login/").get_data(as_text=True)
    assert '<html lang="ru">' in html
    page = parse(html)
    for text in ("Вход", "Введите логин и пароль", "Логин", "Пароль", "Войти"):
        assert text in page.texts, text
    assert '<h1 class="panel-title">Вход</h1>' in html
    assert 'for="username"' in html and 'autocomplete="current-password"' in html
    assert english_leftovers(html, english_fab_texts) == []
    for english in ("Sign In", "Username", "Password", "Login", "Enter your login"):
        assert english not in page.texts


def test_failed_login_says_so_in_russian(client, world):
    page = client.get("/login/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login/", data={"username": "admin", "password": "wrong", "csrf_token": token},
                           follow_redirects=True)
    assert "Неверный логин или пароль. Попробуйте ещё раз." in response.get_data(as_text=True)


def test_admin_menus_are_russian(world, as_user, english_fab_texts):
    html = as_user("admin").get("/").get_data(as_text=True)
    texts = parse(html).texts
    for label in ("Безопасность", "Пользователи", "Роли", "Группы", "Права доступа", "Справочники",
                  "Школы", "Профиль", "Выйти"):
        assert label in texts, label
    for english in ("Security", "List Users", "List Roles", "List Groups", "Logout", "Login", "Profile",
                    "Search", "Add", "Cancel", "OK"):
        assert english not in texts, english
    assert english_leftovers(html, english_fab_texts) == []


def test_every_menu_label_is_russian(app, world, as_user):
    """Every label in the menu tree, ours and FAB's, translates to Russian (a new view with an
    English label, or a FAB label missing from the catalogue, fails here)."""
    as_user("admin")
    with app.test_request_context("/"):
        labels = []
        for item in app.appbuilder.menu.get_list():
            labels.append(str(gettext(item.label)))
            labels.extend(str(gettext(child.label)) for child in item.childs if child.name != "-")
    assert labels
    assert [label for label in labels if not CYRILLIC.search(label)] == []


def test_every_model_view_has_russian_titles(app):
    """FAB's default titles are English ("List School"); each ModelView sets its own."""
    from flask_appbuilder.baseviews import BaseCRUDView

    english = []
    with app.test_request_context("/"):
        for view in app.appbuilder.baseviews:
            if not isinstance(view, BaseCRUDView):
                continue
            shown = {"list_title": "can_list", "show_title": "can_show", "add_title": "can_add",
                     "edit_title": "can_edit"}
            for attr, permission in shown.items():
                if permission not in view.base_permissions:
                    continue  # a page the view never renders
                title = str(gettext(getattr(view, attr, "") or ""))
                if title and not CYRILLIC.search(title):
                    english.append(f"{type(view).__name__}.{attr} = {title!r}")
    assert english == []


def test_school_list_page_is_russian(world, session, as_user, english_fab_texts):
    for n in range(3):
        make_school(session, world.municipality_a, f"СОШ № {10 + n}")
    session.commit()
    # psize_<View> is FAB's page-size argument: 2 rows a page to see the pagination.
    html = as_user("admin").get("/schoolview/list/?psize_SchoolView=2").get_data(as_text=True)
    page = parse(html)
    texts = page.texts
    assert "Школы" in texts
    assert "Всего записей:" in texts
    assert "Поиск" in texts            # the search panel
    assert "Добавить условие" in texts  # the filter dropdown
    assert "Записей на странице" in texts
    for title in ("Добавить запись", "Открыть запись", "Изменить запись", "Удалить запись", "Назад"):
        assert title in texts, title
    for label in ("Добавить", "Открыть", "Изменить", "Удалить"):  # screen-reader labels of the buttons
        assert label in texts, label
    assert any("page_SchoolView=1" in link for link in page.links), "no pagination"
    assert english_leftovers(html, english_fab_texts) == []


def test_school_add_and_show_pages_are_russian(world, as_user, english_fab_texts):
    client = as_user("admin")
    add = client.get("/schoolview/add").get_data(as_text=True)
    assert "Сохранить" in parse(add).texts
    assert 'data-placeholder="Выберите значение"' in add
    assert english_leftovers(add, english_fab_texts) == []
    show = client.get(f"/schoolview/show/{world.school_a.id}").get_data(as_text=True)
    assert "Сведения" in parse(show).texts
    assert english_leftovers(show, english_fab_texts) == []


def test_flash_after_adding_a_row_is_russian(world, as_user):
    client = as_user("admin")
    token = csrf_token(client, "/municipalityview/add")
    response = client.post("/municipalityview/add", data={"name": "Городской округ Тестовый", "kind": "городской округ",
                                                          "csrf_token": token}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Запись добавлена" in html
    assert "Added Row" not in html


def test_security_pages_are_russian(world, as_user, english_fab_texts):
    client = as_user("admin")
    for path, title in (("/users/list/", "Пользователи"), ("/roles/list/", "Роли"),
                        ("/users/userinfo/", "Ваш профиль")):
        html = client.get(path).get_data(as_text=True)
        texts = parse(html).texts
        assert title in texts, (path, title)
        assert english_leftovers(html, english_fab_texts) == [], path


def test_widget_scripts_get_russian_texts(client):
    html = client.get("/login/").get_data(as_text=True)
    assert "js/locale-ru.js" in html
    script = client.get("/static/js/locale-ru.js").get_data(as_text=True)
    assert "Ничего не найдено" in script and "понедельник" in script


def _record_value(html: str, label: str) -> str:
    """The value beside `label` on a FAB record page (<th>label</th> <td>value</td>)."""
    match = re.search(rf"<th[^>]*>{re.escape(label)}</th>\s*<td>(.*?)</td>", html, re.S)
    assert match, label
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_yes_no_fields_and_lists_of_rows_read_as_words(app, world, session, as_user):
    """FAB prints a field with {{ }}: a yes/no field read «True», a to-many relation «[Учитель]»."""
    make_system(session, "Электронный журнал МО", own=True)
    make_system(session, "Другой журнал", own=False)
    session.commit()
    assert _record_value(as_user("teacher").get("/users/userinfo/").get_data(as_text=True), "Роль") == "Учитель"
    world.users["teacher"].roles.append(app.appbuilder.sm.find_role(R.PARENT))
    session.commit()
    profile = as_user("teacher").get("/users/userinfo/").get_data(as_text=True)
    assert _record_value(profile, "Активен") == "да"
    assert _record_value(profile, "Роль") == "Учитель, Родитель"
    systems = parse(as_user("admin").get("/journalsystemview/list/").get_data(as_text=True)).texts
    assert ("да" in systems, "нет" in systems) == (True, True)
    assert "True" not in systems and "False" not in systems


def test_user_statistics_and_the_user_form_are_russian(world, as_user, english_fab_texts):
    client = as_user("admin")
    for path in ("/userstatschartview/chart/", "/userstatschartview/chart/1"):
        html = client.get(path).get_data(as_text=True)
        texts = parse(html).texts
        assert {"Статистика входов", "Число входов", "Неудачные попытки входа", "Активен", "Дата создания"} <= set(texts)
        assert [text for text in texts if not CYRILLIC.search(text) and text not in world.users and not text.isdigit()] == []
        labels = json.loads(re.search(r"'#filter_form',\s*(\{.*?\}),\n", html).group(1))
        assert labels["username"] == "Логин"  # FAB relabelled it with the last chart's title
        assert [label for label in labels.values() if not CYRILLIC.search(label)] == []
    form = client.get("/users/add").get_data(as_text=True)
    assert "Группы пользователя: он получает права всех ролей своих групп" in parse(form).texts
    assert "Роль пользователя, определяющая его права" in parse(form).texts
    assert english_leftovers(form, english_fab_texts) == []


def test_pages_are_titled_after_themselves(world, as_user):
    """Browser tabs and screen readers tell the pages apart: the page's own title, then the app's."""
    def title(client, path):
        return re.search(r"<title>(.*?)</title>", client.get(path).get_data(as_text=True), re.S).group(1).strip()

    admin = as_user("admin")
    app_name = title(admin, "/")
    assert title(admin, "/schoolview/list/") == f"Школы — {app_name}"
    assert title(admin, f"/schoolview/show/{world.school_a.id}").endswith(f" — {app_name}")
    assert title(as_user("teacher"), "/journal/") == f"Журнал — {app_name}"
