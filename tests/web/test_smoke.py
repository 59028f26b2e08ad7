def test_login_page_renders_in_russian(client):
    page = client.get("/login/").get_data(as_text=True)
    assert 'lang="ru"' in page
    assert "Войти" in page or "Вход" in page


FAMILY = {"parent", "pupil"}  # their home page is the diary (tests/web/test_diary_home.py)


def test_world_users_log_in(world, as_user):
    assert FAMILY <= set(world.users)
    for username in world.users:
        page = as_user(username).get("/").get_data(as_text=True)
        assert ('class="diary-week"' if username in FAMILY else "Вы вошли как") in page, username
