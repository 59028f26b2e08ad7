"""Campaigns and milestones are data the administrator edits; trainings are the methodists'."""
import datetime as dt

from app.models import Campaign, Milestone, Training
from app.rollout.status import active_campaign
from tests.conftest import csrf_token
from tests.rollout_helpers import make_campaign


def test_admin_adds_a_later_campaign_as_a_new_row(session, world, as_user):
    first = make_campaign(session)
    session.commit()
    client = as_user("admin")
    response = client.post("/campaignview/add", data={
        "csrf_token": csrf_token(client, "/campaignview/add"),
        "title": "Внедрение 2013/2014", "order_number": "1500", "order_date": "2013-05-20",
        "target_share": "95", "report_day": "5", "starts_on": "2013-06-01", "ends_on": "2014-05-31"})
    assert response.status_code == 302
    second = session.query(Campaign).filter_by(order_number="1500").one()
    response = client.post("/milestoneview/add", data={
        "csrf_token": csrf_token(client, "/milestoneview/add"),
        "campaign": str(second.id), "code": "usage_share", "level": "municipality", "order_item": "3",
        "title": "Использование в 95% школ", "due_on": "2013-09-01"})
    assert response.status_code == 302
    assert session.query(Milestone).filter_by(campaign_id=second.id).count() == 1
    assert session.query(Milestone).filter_by(campaign_id=first.id).count() == 7
    assert active_campaign(session, dt.date(2013, 9, 2)).id == second.id
    page = as_user("ministry").get("/rollout/control/").get_data(as_text=True)
    assert "Внедрение 2013/2014" in page  # the campaign chooser lists both


def test_ministry_cannot_edit_campaigns(session, world, as_user):
    campaign = make_campaign(session)
    session.commit()
    client = as_user("ministry")
    assert client.get("/campaignview/list/").status_code == 200
    assert client.get(f"/campaignview/edit/{campaign.id}").status_code == 403


def test_the_no_value_choice_of_an_optional_relation_reads_in_russian(session, world, as_user):
    client = as_user("methodist")
    form = client.get("/trainingview/add").get_data(as_text=True)
    assert '<option selected value="__None">— не выбрано —</option>' in form and ">__None<" not in form
    response = client.post("/trainingview/add", data={
        "csrf_token": csrf_token(client, "/trainingview/add"), "held_on": "2012-08-20", "topic": "Вебинар для региона",
        "municipality": "__None", "participants": "120", "note": ""})
    assert response.status_code == 302
    assert session.query(Training).one().municipality_id is None


def test_negative_participants_are_refused_on_the_form_which_keeps_the_topic(session, world, as_user):
    client = as_user("methodist")
    response = client.post("/trainingview/add", data={
        "csrf_token": csrf_token(client, "/trainingview/add"),
        "held_on": "2012-08-20", "topic": "Работа с электронным журналом", "municipality": "", "participants": "-5",
        "note": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Число участников не может быть отрицательным." in page
    assert 'value="Работа с электронным журналом"' in page
    assert session.query(Training).count() == 0


def test_methodist_records_training_seen_by_its_municipality_only(session, world, as_user):
    client = as_user("methodist")
    response = client.post("/trainingview/add", data={
        "csrf_token": csrf_token(client, "/trainingview/add"),
        "held_on": "2012-08-20", "topic": "Работа с электронным журналом", "municipality": str(world.municipality_b.id),
        "participants": "35", "note": ""})
    assert response.status_code == 302
    training = session.query(Training).one()
    assert training.methodist_id == world.users["methodist"].id
    assert "Работа с электронным журналом" not in as_user("municipal").get("/trainingview/list/").get_data(as_text=True)
    assert as_user("municipal").get(f"/trainingview/show/{training.id}").status_code == 404


def test_milestones_name_their_item_and_level_in_russian(session, world, as_user):
    campaign = make_campaign(session)
    session.commit()
    plan = session.query(Milestone).filter_by(campaign_id=campaign.id, code="plan_approved").one()
    record = as_user("ministry").get(f"/milestoneview/show/{plan.id}").get_data(as_text=True)
    assert "План внедрения утверждён" in record and "муниципалитет" in record
    assert "plan_approved" not in record and ">municipality<" not in record.replace(" ", "")
    campaign_page = as_user("ministry").get(f"/campaignview/show/{campaign.id}").get_data(as_text=True)
    assert "каждая школа" in campaign_page and ">school<" not in campaign_page.replace(" ", "")
    form = as_user("admin").get("/milestoneview/add").get_data(as_text=True)
    assert '<option value="usage_share">Доля школ, использующих систему</option>' in form
    assert '<option value="school">каждая школа</option>' in form
