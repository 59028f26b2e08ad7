"""Printable documents: report cards (табель успеваемости), the class's year summary sheet (сводная
ведомость) and a class journal's pages for a subject and period: A4 pages through a print
stylesheet, and xlsx. Thin: the data is app.journal.report_card's and app.journal.archive's, the
scope app.security.scope's card_classes and journal_assignments."""
from __future__ import annotations

import io

from flask import abort, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app import formats
from app.journal import archive, report_card
from app.models import ClassGroup, TeachingAssignment
from app.replica import read_session
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.current import current_scope
from app.security.scope import card_classes, journal_assignments

PERMISSIONS = ("can_cards", "can_cards_xlsx", "can_year_sheet", "can_year_sheet_xlsx")


def _arg_id(name: str) -> int | None:
    """?name=<id>: None when empty (or «year» for the period); 404 for anything else."""
    value = request.args.get(name, "").strip()
    if not value or (name == "period" and value == "year"):
        return None
    if not value.isdigit() or len(value) > 9:
        abort(404)
    return int(value)


def _cards(class_group_id: int, *, year: bool = False) -> report_card.ClassCards:
    try:
        return report_card.class_cards(read_session(), current_scope(), class_group_id,
                                       None if year else _arg_id("period"), None if year else _arg_id("pupil"))
    except NotInScope:
        abort(404)


def _xlsx(write, cards, name: str):
    stream = io.BytesIO()
    write(cards, stream)
    stream.seek(0)
    return send_file(stream, as_attachment=True, download_name=name, mimetype=report_card.XLSX_MIME)


class ReportCardView(BaseView):
    """A class's report cards (all pupils or one) and its year sheet, from the class page."""

    route_base = "/journal/cards"
    role_access = {R.SCHOOL_ADMIN: PERMISSIONS, R.SECRETARY: PERMISSIONS}
    scope_routes = [
        ("/<int:class_group_id>/", ClassGroup, card_classes),
        ("/<int:class_group_id>/cards.xlsx", ClassGroup, card_classes),
        ("/<int:class_group_id>/year/", ClassGroup, card_classes),
        ("/<int:class_group_id>/year.xlsx", ClassGroup, card_classes),
    ]

    @expose("/<int:class_group_id>/")
    @has_access
    def cards(self, class_group_id: int):
        data = _cards(class_group_id)
        pupil = _arg_id("pupil")
        choices = [(p.name, url_for("ReportCardView.cards", class_group_id=class_group_id, period=p.id, pupil=pupil),
                    data.period is not None and data.period.id == p.id) for p in data.periods]
        choices.append((_("Год"), url_for("ReportCardView.cards", class_group_id=class_group_id, period="year",
                                          pupil=pupil), data.period is None))
        return self.render_template("journal/cards.html", cards=data, class_group_id=class_group_id, choices=choices,
                                    title=_("Табели успеваемости %(class_name)s", class_name=data.class_name))

    @expose("/<int:class_group_id>/cards.xlsx")
    @has_access
    def cards_xlsx(self, class_group_id: int):
        data = _cards(class_group_id)
        return _xlsx(report_card.cards_xlsx, data, report_card.cards_file_name(data))

    @expose("/<int:class_group_id>/year/")
    @has_access
    def year_sheet(self, class_group_id: int):
        data = _cards(class_group_id, year=True)
        return self.render_template("journal/year_sheet.html", cards=data, class_group_id=class_group_id,
                                    title=_("Сводная ведомость %(class_name)s", class_name=data.class_name))

    @expose("/<int:class_group_id>/year.xlsx")
    @has_access
    def year_sheet_xlsx(self, class_group_id: int):
        data = _cards(class_group_id, year=True)
        return _xlsx(report_card.year_sheet_xlsx, data, report_card.sheet_file_name(data))


class JournalPrintView(BaseView):
    """A class journal's pages for a subject and a period (or the year), to print: the marks grid
    and the lessons' topics (the archive copy's content; its xlsx stays on the journal page)."""

    route_base = "/journal/print"
    role_access = {R.SCHOOL_ADMIN: ("can_journal",), R.TEACHER: ("can_journal",)}
    scope_routes = [("/<int:assignment_id>/", TeachingAssignment, journal_assignments)]

    @expose("/<int:assignment_id>/")
    @has_access
    def journal(self, assignment_id: int):
        try:
            data = archive.subject_pages(read_session(), current_scope(), assignment_id, _arg_id("period"))
        except NotInScope:
            abort(404)
        choices = [(p.name, url_for("JournalPrintView.journal", assignment_id=assignment_id, period=p.id),
                    data.period is not None and data.period.id == p.id) for p in data.periods]
        choices.append((_("Год"), url_for("JournalPrintView.journal", assignment_id=assignment_id, period="year"),
                        data.period is None))
        return self.render_template("journal/journal_print.html", pages=data, assignment_id=assignment_id,
                                    choices=choices,
                                    fmt=formats.format_average,
                                    title=_("Журнал %(class_name)s — %(subject)s", class_name=data.class_name,
                                            subject=data.label))


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(ReportCardView)
    appbuilder.add_view_no_menu(JournalPrintView)
