"""Foundation scope: list views show exactly the rows in scope; other rows answer 404."""
import re

import pytest

SHOW_LINK = re.compile(r"/show/(\d+)")


def listed_ids(client, view: str) -> set[int]:
    response = client.get(f"/{view}/list/?psize_{view}=100")
    assert response.status_code == 200, f"{view} list answered {response.status_code}"
    return {int(pk) for pk in SHOW_LINK.findall(response.get_data(as_text=True))}


def expected_schools(w):
    everything = {w.school_a.id, w.school_a2.id, w.school_b.id}
    return {
        "admin": everything, "ministry": everything, "monitor": everything, "methodist": everything,
        "municipal": {w.school_a.id, w.school_a2.id},
        "director": {w.school_a.id}, "secretary": {w.school_a.id}, "teacher": {w.school_a.id},
    }


def expected_classes(w):
    return {
        "admin": {w.class_a.id, w.class_a_other.id, w.class_b.id},
        "director": {w.class_a.id, w.class_a_other.id},
        "secretary": {w.class_a.id, w.class_a_other.id},
        "teacher": {w.class_a.id},
    }


def expected_pupils(w):
    return {
        "admin": {w.pupil_a.id, w.sibling_a.id, w.pupil_a_other.id, w.pupil_b.id},
        "director": {w.pupil_a.id, w.sibling_a.id, w.pupil_a_other.id},
        "secretary": {w.pupil_a.id, w.sibling_a.id, w.pupil_a_other.id},
        "teacher": {w.pupil_a.id},
    }


def expected_marks(w):
    return {
        "admin": {w.mark_a.id, w.mark_a_other.id, w.mark_b.id},
        "director": {w.mark_a.id, w.mark_a_other.id},
        "teacher": {w.mark_a.id},
    }


CASES = [
    ("schoolview", expected_schools),
    ("classgroupview", expected_classes),
    ("pupilview", expected_pupils),
    ("markview", expected_marks),
]
ROLES = ["admin", "ministry", "monitor", "methodist", "municipal", "director", "secretary", "teacher", "parent", "pupil"]


@pytest.mark.parametrize("view,expected", CASES, ids=[c[0] for c in CASES])
def test_list_shows_exactly_rows_in_scope(world, as_user, view, expected):
    table = expected(world)
    for username in ROLES:
        client = as_user(username)
        if username in table:
            assert listed_ids(client, view) == table[username], f"{username} on {view}"
        else:
            response = client.get(f"/{view}/list/")
            assert response.status_code == 403, f"{username} must not open {view}"


def test_rows_out_of_scope_answer_404_on_show_and_edit(world, as_user):
    out_of_scope = {
        "municipal": [("schoolview", world.school_b.id)],
        "secretary": [("schoolview", world.school_b.id), ("classgroupview", world.class_b.id),
                      ("pupilview", world.pupil_b.id)],
        "director": [("pupilview", world.pupil_b.id), ("markview", world.mark_b.id)],
        "teacher": [("classgroupview", world.class_a_other.id), ("pupilview", world.pupil_a_other.id),
                    ("markview", world.mark_a_other.id)],
    }
    for username, rows in out_of_scope.items():
        client = as_user(username)
        for view, pk in rows:
            assert client.get(f"/{view}/show/{pk}").status_code == 404, f"{username} show {view} {pk}"
            edit = client.get(f"/{view}/edit/{pk}")
            # 404 where the role may edit such rows; 403 where it may not edit this kind at all.
            assert edit.status_code in (404, 403), f"{username} edit {view} {pk}"


def test_secretary_edits_in_scope_pupil_but_not_other_school(world, as_user, session):
    from app.models import Pupil
    from tests.conftest import csrf_token

    client = as_user("secretary")
    page = client.get(f"/pupilview/edit/{world.pupil_a.id}")
    assert page.status_code == 200
    token = csrf_token(client, f"/pupilview/edit/{world.pupil_a.id}")
    form = {"csrf_token": token, "school": world.school_a.id, "class_group": world.class_a.id,
            "last_name": "Алексеева-Новая", "first_name": "Мария", "middle_name": "Ивановна",
            "birth_date": "2000-01-01", "enrolled_on": "2012-09-01", "left_on": ""}
    client.post(f"/pupilview/edit/{world.pupil_a.id}", data=form)
    session.expire_all()
    assert session.get(Pupil, world.pupil_a.id).last_name == "Алексеева-Новая"
    # Moving the pupil into another school's class is refused and changes nothing.
    form.update(last_name="Перевод", school=world.school_b.id, class_group=world.class_b.id)
    client.post(f"/pupilview/edit/{world.pupil_a.id}", data=form)
    session.expire_all()
    pupil = session.get(Pupil, world.pupil_a.id)
    assert (pupil.last_name, pupil.school_id) == ("Алексеева-Новая", world.school_a.id)
    assert client.post(f"/pupilview/edit/{world.pupil_b.id}", data=form).status_code == 404


def test_a_municipality_record_does_not_list_schools_outside_the_scope(world, as_user):
    """FAB's default record page listed every school of the municipality, under «Schools»."""
    page = as_user("director").get(f"/municipalityview/show/{world.municipality_a.id}").get_data(as_text=True)
    assert world.municipality_a.name in page
    assert "СОШ № 2" not in page and "Schools" not in page
