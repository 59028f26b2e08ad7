"""Files attached to homework, downloaded from the journal's lesson panel and from the diary.

One route for staff and families: the file is served when its task is in the user's scope
(app.security.scope: where its lesson is; a subgroup's or one pupil's task only to them and the
school's staff), else 404, whether it exists or not. Read from the primary: the teacher opens a
file just attached, which a replica may not have yet."""
from __future__ import annotations

from flask import abort
from flask_appbuilder import BaseView, expose, has_access

from app.http import stored_file
from app.journal import homework
from app.models import HomeworkFile
from app.extensions import db
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.current import current_scope

FILE_ACCESS = ("can_file",)


class HomeworkFileView(BaseView):
    route_base = "/homework"
    default_view = "file"
    # The roles with a page that lists the files: the journal's and the diary's.
    role_access = {role: FILE_ACCESS for role in (R.SCHOOL_ADMIN, R.TEACHER, R.PARENT, R.PUPIL)}
    scope_routes = [("/file/<int:file_id>", HomeworkFile)]

    @expose("/file/<int:file_id>")
    @has_access
    def file(self, file_id: int):
        try:
            found = homework.homework_file(db.session, current_scope(), file_id)
        except NotInScope:
            abort(404)
        return stored_file(found.data, found.filename, found.content_type)


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(HomeworkFileView)
