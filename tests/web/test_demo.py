"""The demo region: what `make run` loads, the logins it prints, idempotence and refusal."""
import re

from sqlalchemy import func, select

from app.demo import load_demo
from app.models import ClassGroup, Lesson, Mark, Material, Municipality, Pupil, School, Staff, TimetableSlot
from app.security.roles import DEMO_LOGINS
from tests.conftest import DEMO_PASSWORD, login


def test_demo_region_has_the_whole_region_and_full_schools(demo_app):
    from app.extensions import db

    s = db.session
    assert s.scalar(select(func.count(Municipality.id))) == 72
    assert 1350 <= s.scalar(select(func.count(School.id))) <= 1450
    full = s.execute(
        select(ClassGroup.school_id, func.count(func.distinct(ClassGroup.grade)))
        .group_by(ClassGroup.school_id)
    ).all()
    assert len(full) >= 3 and all(grades == 11 for _, grades in full)
    municipalities = {s.get(School, school_id).municipality_id for school_id, _ in full}
    assert len(municipalities) == 1, "the full schools belong to one municipality"
    assert s.scalar(select(func.count(Pupil.id))) > 1000
    assert s.scalar(select(func.count(TimetableSlot.id))) > 1000
    assert s.scalar(select(func.count(Lesson.id)).where(Lesson.topic.is_not(None))) > 1000
    assert s.scalar(select(func.count(Mark.id))) > 10000
    teacher = s.scalar(select(Staff).where(Staff.user_id.is_not(None), Staff.position.like("учитель%")))
    assert teacher is not None


def test_every_demo_login_works(demo_app):
    client = demo_app.test_client()
    for username in DEMO_LOGINS:
        if username == "vendor":
            continue  # an API account; it has no pages
        client.get("/logout/")
        login(client, username, DEMO_PASSWORD)
        page = client.get("/", follow_redirects=True).get_data(as_text=True)
        if username in ("parent", "pupil"):
            # Their home page is the diary, opened at its landing day's card.
            assert " is-landing\"" in page, username
        else:
            assert "Вы вошли как" in page, username


def test_demo_library_has_methodists_pdfs_for_schools(demo_app):
    from app.extensions import db
    from app.uploads import check_upload

    materials = db.session.scalars(select(Material).order_by(Material.published_on)).all()
    assert len(materials) == 3
    for material in materials:
        assert material.author.username == "methodist"
        assert check_upload(material.filename, material.data).content_type == material.content_type
        # A readable PDF: every object the cross-reference table lists starts where it says.
        pdf = material.data
        start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))
        offsets = re.findall(rb"(\d{10}) 00000 n \n", pdf[start:])
        assert offsets and all(pdf[int(offset):].startswith(b"%d 0 obj" % number)
                               for number, offset in enumerate(offsets, 1))
    client = demo_app.test_client()
    login(client, "director", DEMO_PASSWORD)
    page = client.get("/materialview/list/").get_data(as_text=True)
    assert all(material.title in page for material in materials)
    assert client.get(f"/materialview/file/{materials[0].id}").data == materials[0].data


def test_demo_load_is_idempotent(demo_app):
    from app.extensions import db

    before = db.session.scalar(select(func.count(Mark.id)))
    summary = load_demo(db.session, demo_app.appbuilder.sm, password=DEMO_PASSWORD)
    assert summary.already_loaded
    assert db.session.scalar(select(func.count(Mark.id))) == before


def test_demo_refuses_a_database_with_real_data(world, runner, session):
    schools = session.scalar(select(func.count(School.id)))
    result = runner.invoke(args=["demo", "load", "--schools", "100"])
    assert result.exit_code != 0
    assert "только в пустую базу" in result.output
    assert session.scalar(select(func.count(School.id))) == schools
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0 and "не пуста" in result.output
