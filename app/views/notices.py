"""Absence notices: the family files them («Заявления об отсутствии» in the diary), the class
teacher and the school administration decide them («Заявления родителей» in the journal), and the
class teacher's «Сегодня» lists the class's. Thin: every rule lives in app.journal.absence_notices."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock, formats
from app.errors import DomainError
from app.extensions import db
from app.journal import absence_notices as notices
from app.journal.entries import Actor
from app.models.notices import REASONS, AbsenceNotice
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.current import current_scope
from app.today import registry as today_blocks
from app.views import menu
from app.views.json_body import INT_MAX

DECIDING = ("can_index", "can_accept", "can_ask_certificate")

# The class teacher's block on «Сегодня» (app.journal.absence_notices.class_notices: one statement).
BLOCK = today_blocks.Block("teacher-absence-notices", "notices/_today.html", notices.class_notices,
                           frozenset({R.TEACHER}), order=35)


def _date(name: str, label: str):
    try:
        return formats.parse_date(request.form.get(name))
    except formats.NotADate:
        raise DomainError(_("«%(field)s»: введите дату как 23.10.2012.", field=label)) from None


def _known_id(notice_id: int) -> int:
    """The notice number of the address, or 404 for one no database integer holds."""
    if notice_id > INT_MAX:
        abort(404)
    return notice_id


def _int(name: str) -> int | None:
    value = (request.form.get(name) or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


class AbsenceNoticeView(BaseView):
    """The family's page: the notices of their children, and the form to file one (parents)."""

    route_base = "/absence-notices"
    default_view = "index"
    role_access = {R.PARENT: ("can_index", "can_file"), R.PUPIL: ("can_index",)}

    @expose("/")
    @has_access
    def index(self):
        scope = current_scope()
        return self.render_template("notices/family.html", notices=notices.list_notices(db.session, scope),
                                    may_file=scope.role == R.PARENT, title=_("Заявления об отсутствии"))

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def file(self):
        scope = current_scope()
        children = notices.children(db.session, scope)
        if not children:
            abort(404)
        form, status = request.form, 200
        if request.method == "POST":
            try:
                pupil_id = _int("pupil_id")
                if pupil_id is None:
                    raise DomainError(_("Выберите ребёнка."))
                notices.file_notice(
                    db.session, scope, g.user.id, pupil_id=pupil_id,
                    starts_on=_date("starts_on", _("С какого дня")), ends_on=_date("ends_on", _("По какой день")),
                    lessons=notices.parse_lessons(form.get("lessons")), reason=form.get("reason", ""),
                    comment=form.get("comment"), today=clock.today())
            except NotInScope:
                abort(404)
            except DomainError as refusal:
                flash(refusal.message, "danger")
                status = 400
            else:
                flash(_("Заявление отправлено классному руководителю."), "success")
                return redirect(url_for("AbsenceNoticeView.index"))
        return self.render_template("notices/file.html", children=children, reasons=REASONS,
                                    reason_names=notices.REASON_NAMES, form=form, today=clock.today(),
                                    title=_("Сообщить об отсутствии")), status


class ClassNoticeView(BaseView):
    """The notices of the classes a user reads, with the class teacher's (or the administration's)
    decision: accept, with the certificate's number and date if there is one, or ask for it."""

    route_base = "/class-absence-notices"
    default_view = "index"
    role_access = {R.TEACHER: DECIDING, R.SCHOOL_ADMIN: DECIDING}
    scope_routes = [
        ("/<int:notice_id>/accept", AbsenceNotice, notices.decidable),
        ("/<int:notice_id>/certificate", AbsenceNotice, notices.decidable),
    ]

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("notices/class.html", notices=notices.list_notices(db.session, current_scope()),
                                    title=_("Заявления родителей об отсутствии"))

    @expose("/<int:notice_id>/accept", methods=["POST"])
    @has_access
    def accept(self, notice_id: int):
        try:
            changed = notices.accept(
                db.session, current_scope(), Actor.of(g.user, request.remote_addr), _known_id(notice_id),
                certificate_number=request.form.get("certificate_number"),
                certificate_date=_date("certificate_date", _("Дата справки")), today=clock.today())
        except NotInScope:
            abort(404)
        except DomainError as refusal:
            flash(refusal.message, "danger")
        else:
            flash(_("Заявление принято. Исправлено пропусков «н» в журнале: %(n)s.", n=changed), "success")
        return redirect(url_for("ClassNoticeView.index"))

    @expose("/<int:notice_id>/certificate", methods=["POST"])
    @has_access
    def ask_certificate(self, notice_id: int):
        try:
            notices.ask_certificate(db.session, current_scope(), g.user.id, _known_id(notice_id))
        except NotInScope:
            abort(404)
        except DomainError as refusal:
            flash(refusal.message, "danger")
        else:
            flash(_("Родителям показано, что нужна справка врача."), "success")
        return redirect(url_for("ClassNoticeView.index"))


def register(appbuilder) -> None:
    menu.add(appbuilder, AbsenceNoticeView, "AbsenceNotices", _l("Заявления об отсутствии"), menu.DIARY,
             "fa-medkit")
    menu.add(appbuilder, ClassNoticeView, "ClassAbsenceNotices", _l("Заявления родителей"), menu.JOURNAL,
             "fa-medkit")
    today_blocks.register(BLOCK)
