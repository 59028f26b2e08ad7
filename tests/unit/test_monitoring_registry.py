"""The indicator registry (app/monitoring/registry.py) agrees with the usage_snapshot table and with
the journal activity it names."""
from dataclasses import fields

from app.models import UsageSnapshot
from app.monitoring import registry
from app.monitoring.activity import AssignmentActivity

# The snapshot's columns that are not indicators: who, when, where the figures came from, the verdict.
NOT_INDICATORS = {"id", "school_id", "month", "source", "uses_system", "computed_at", "import_batch_id",
                  "entered_by_id"}


def test_registry_codes_are_exactly_the_snapshot_indicator_columns():
    columns = {column.name for column in UsageSnapshot.__table__.columns} - NOT_INDICATORS
    assert set(registry.codes()) == columns
    assert len(registry.codes()) == len(columns) == 9


def test_registry_order_is_the_order_users_see():
    assert registry.codes() == (
        "teachers_active", "teachers_total", "lessons_filled", "lessons_due", "marks_entered", "marks_on_time",
        "pupils_with_diary_access", "pupils_total", "diary_visits",
    )
    assert registry.table_order() == (
        "teachers_active", "teachers_total", "lessons_filled", "lessons_due", "marks_entered", "marks_on_time",
        "pupils_total", "pupils_with_diary_access", "diary_visits",
    )


def test_pairs_and_activity_fields_name_real_things():
    assert registry.pairs() == (("teachers_active", "teachers_total"), ("lessons_filled", "lessons_due"),
                                ("marks_on_time", "marks_entered"), ("pupils_with_diary_access", "pupils_total"))
    activity = {f.name for f in fields(AssignmentActivity)}
    summed = {i.code: i.activity_field for i in registry.summed_from_activity()}
    assert summed == {"lessons_filled": "lessons_with_topic", "lessons_due": "lessons_due",
                      "marks_entered": "marks_entered", "marks_on_time": "marks_on_time"}
    assert set(summed.values()) <= activity
    assert all(i.computed in (registry.JOURNAL, registry.IMPORT) for i in registry.INDICATORS)


def test_share_columns_follow_each_pair():
    columns = [(kind, part.code) for kind, part, _whole in registry.share_columns()]
    assert columns == [
        ("value", "teachers_active"), ("value", "teachers_total"), ("share", "teachers_active"),
        ("value", "lessons_filled"), ("value", "lessons_due"), ("share", "lessons_filled"),
        ("value", "marks_entered"), ("value", "marks_on_time"), ("share", "marks_on_time"),
        ("value", "pupils_with_diary_access"), ("value", "pupils_total"), ("share", "pupils_with_diary_access"),
        ("value", "diary_visits"),
    ]
