"""One more indicator in the registry reaches the import, the snapshot pages, the API, the compute,
the справка and the chart, with no other module changed.

The demo indicator «Пустых уроков» is summed from AssignmentActivity.lessons_empty and is a part
of lessons_due. In the hand-built region (tests.monitoring_helpers) in September 2012: A1 has two
empty lessons (T2's lesson with a blank topic, T3's lesson without topic or marks; T1's lessons
all have topics), A2 has two (T6's lessons without topics or marks)."""
import pytest

from app.errors import DomainError
from app.monitoring import adoption, imports, registry, report
from app.monitoring.indicators import indicators_for_month
from app.security.scope import load_scope
from app.i18n import N_
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world

DEMO = registry.Indicator(
    "lessons_empty", N_("Пустых уроков"), "lessons", activity_field="lessons_empty", part_of="lessons_due",
    description=N_("Уроки без темы, отметок и пропусков"), share_label=N_("Доля пустых уроков"),
    share_header=N_("Пустых, %"), chart_rank=5, spellings=("Пустые уроки",),
)


@pytest.fixture
def mw(app, session):
    return build_monitoring_world(session, app.appbuilder.sm)


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setattr(registry, "INDICATORS", (*registry.INDICATORS, DEMO))


def csv_file(header, *rows) -> bytes:
    return "\n".join(";".join(map(str, line)) for line in (header, *rows)).encode("utf-8-sig")


def test_demo_indicator_is_in_the_import_template_and_accepted(mw, session, demo):
    monitor = load_scope(session, mw.users["monitor"])
    header = imports.template_csv(session, monitor).decode("utf-8-sig").splitlines()[0].split(";")
    assert header[-2:] == ["Посещений дневника", "Пустых уроков"]
    row = [mw.b2.id, "СОШ № 22", 3, 4, 9, 10, 40, 30, 60, 100, 250, 1]
    rows = imports.read_table(csv_file(header, row), "f.csv")
    assert rows[0][1]["lessons_empty"] == "1"
    spelled = imports.read_table(csv_file(header[:-1] + ["пустые   уроки"], row), "f.csv")
    assert spelled[0][1]["lessons_empty"] == "1"
    with pytest.raises(DomainError, match="Пустых уроков"):
        imports.read_table(csv_file(header[:-1], row[:-1]), "f.csv")
    too_many = imports.validate(session, monitor, SEPTEMBER, imports.read_table(
        csv_file(header, row[:-1] + [11]), "f.csv"))
    assert [e.message for e in too_many.errors] == ["«Пустых уроков» (11) больше, чем «Уроков по расписанию» (10)"]


def test_demo_indicator_is_on_the_snapshot_pages_and_in_the_api(app, demo):
    from app.api.monitoring import descriptions
    from app.views.monitoring import snapshot_labels

    assert str(snapshot_labels()["lessons_empty"]) == "Пустых уроков"
    assert str(snapshot_labels()["marks_entered"]) == "Отметок"
    assert descriptions()["lessons_empty"] == "Уроки без темы, отметок и пропусков"
    assert "teachers_total" not in descriptions()


def test_demo_indicator_is_computed_reported_and_charted(mw, session, demo):
    figures = indicators_for_month(session, SEPTEMBER)
    assert (figures[mw.a1.id]["lessons_empty"], figures[mw.a2.id]["lessons_empty"]) == (2, 2)
    assert figures[mw.a1.id]["lessons_due"] == 10
    assert report.school_headers()[-4:] == ("Посещений дневника", "Пустых уроков", "Пустых, %", "Использует систему")
    assert list(adoption.distribution_indicators()) == [
        "lessons_filled", "teachers_active", "marks_on_time", "diary_access", "lessons_empty"]
