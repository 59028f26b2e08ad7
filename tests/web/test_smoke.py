def test_login_page_renders_in_russian(client):
    page = client.get("/login/").get_data(as_text=True)
    assert 'lang="ru"' in page
    assert "Войти" in page or "Вход" in page


def test_world_users_log_in(world, as_user):
    for username in world.users:
        page = as_user(username).get("/").get_data(as_text=True)
        assert "Вы вошли как" in page
