def test_login_page_renders_in_russian(client):
    page = client.get("/login/").get_data(as_text=True)
    assert 'lang="ru"' in page
    assert "Войти" in page or "Вход" in page


FAMILY = {"parent", "pupil"}  # their home page is the diary (tests/web/test_diary_home.py)


def test_world_users_log_in(world, as_user):
    assert FAMILY <= set(world.users)
    for username in world.users:
        response = as_user(username).get("/")
        if username in FAMILY:
            assert response.status_code == 302 and response.headers["Location"].endswith("/diary/")
        else:
            assert "Вы вошли как" in response.get_data(as_text=True)
