"""Messages between families and the school: the list of threads, writing, a thread's page, files,
hiding (app.messages.threads decides everything; these views parse, call and render)."""
from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app import uploads
from app.errors import DomainError
from app.extensions import db
from app.http import limit_uploads, upload_limit_mb
from app.messages import threads
from app.models import Message, MessageAttachment, MessageThread
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.current import current_scope

READERS = (R.PARENT, R.PUPIL, R.TEACHER, R.SCHOOL_ADMIN)
WRITERS = (R.PARENT, R.TEACHER, R.SCHOOL_ADMIN)


def _id(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _files() -> list[uploads.UploadedFile]:
    """The form's chosen files, each checked (DomainError naming the file refused)."""
    return [uploads.check_upload(storage.filename, storage.read())
            for storage in request.files.getlist("files") if storage and storage.filename]


class MessagesView(BaseView):
    route_base = "/messages"
    default_view = "threads"
    scope_routes = [("/<int:thread_id>", MessageThread), ("/file/<int:attachment_id>", MessageAttachment),
                    ("/hide/<int:message_id>", Message)]
    role_access = {
        R.PUPIL: ("can_threads", "can_thread", "can_file"),
        R.PARENT: ("can_threads", "can_thread", "can_file", "can_new"),
        R.TEACHER: ("can_threads", "can_thread", "can_file", "can_new"),
        R.SCHOOL_ADMIN: ("can_threads", "can_thread", "can_file", "can_new", "can_hide"),
    }

    @expose("/")
    @has_access
    def threads(self):
        scope = current_scope()
        return self.render_template("messages/list.html", rows=threads.thread_list(db.session, scope),
                                    may_write=scope.role in WRITERS)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        scope = current_scope()
        form = request.form
        if request.method == "POST":
            pupil_id, staff_id = _id(form.get("pupil")), _id(form.get("staff"))
            contact = (form.get("contact") or "").split(":")
            if len(contact) == 2:  # a parent's choice: «child:teacher»
                pupil_id, staff_id = _id(contact[0]), _id(contact[1])
            target = form.get("target") or ""
            try:
                thread = threads.start_thread(
                    db.session, scope, subject=form.get("subject", ""), body=form.get("body", ""),
                    pupil_id=pupil_id if target in ("", "family") else None, staff_id=staff_id,
                    class_group_id=_id(form.get("class_group")) if target == "class" else None,
                    whole_school=target == "school", include_pupil=bool(form.get("include_pupil")),
                    files=_files())
            except NotInScope:
                abort(404)
            except DomainError as refusal:
                flash(refusal.message, "danger")
            else:
                flash(_("Сообщение отправлено."), "success")
                return redirect(url_for("MessagesView.thread", thread_id=thread.id))
        return self.render_template("messages/new.html", targets=threads.targets(db.session, scope), form=form,
                                    role=scope.role, parent=scope.role == R.PARENT, accept=uploads.ACCEPT,
                                    types=uploads.TYPES, max_mb=upload_limit_mb("MessagesView.new"),
                                    max_files=threads.MAX_FILES)

    @expose("/<int:thread_id>", methods=["GET", "POST"])
    @has_access
    def thread(self, thread_id):
        scope = current_scope()
        if request.method == "POST":
            try:
                threads.reply(db.session, scope, thread_id, request.form.get("body", ""), _files())
            except NotInScope:
                abort(404)
            except DomainError as refusal:
                flash(refusal.message, "danger")
            else:
                flash(_("Сообщение отправлено."), "success")
                return redirect(url_for("MessagesView.thread", thread_id=thread_id, _anchor="reply"))
        try:
            page = threads.open_thread(db.session, scope, thread_id)
        except NotInScope:
            abort(404)
        return self.render_template("messages/thread.html", page=page, accept=uploads.ACCEPT, types=uploads.TYPES,
                                    max_mb=upload_limit_mb("MessagesView.thread"), body=request.form.get("body", ""))

    @expose("/file/<int:attachment_id>")
    @has_access
    def file(self, attachment_id):
        try:
            attachment = threads.open_attachment(db.session, current_scope(), attachment_id)
        except NotInScope:
            abort(404)
        return send_file(io.BytesIO(attachment.data), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename)

    @expose("/hide/<int:message_id>", methods=["POST"])
    @has_access
    def hide(self, message_id):
        try:
            message = threads.hide_message(db.session, current_scope(), message_id, request.form.get("reason", ""))
        except NotInScope:
            abort(404)
        except DomainError as refusal:
            flash(refusal.message, "danger")
            thread_id = _id(request.form.get("thread"))
            return redirect(url_for("MessagesView.thread", thread_id=thread_id) if thread_id
                            else url_for("MessagesView.threads"))
        flash(_("Сообщение скрыто."), "success")
        return redirect(url_for("MessagesView.thread", thread_id=message.thread_id))


def messages_link() -> dict | None:
    """The navbar's «Сообщения» with the unread count, for the roles that read messages."""
    if not current_user or not current_user.is_authenticated:
        return None
    scope = current_scope()
    if scope.role not in READERS:
        return None
    return {"url": url_for("MessagesView.threads"), "unread": threads.unread_count(db.session, scope)}


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(MessagesView)
    limit_uploads(current_app, uploads.MAX_UPLOAD_BYTES, "MessagesView.new", "MessagesView.thread")
    current_app.jinja_env.globals["messages_link"] = messages_link
