"""The start page: «Сегодня», the blocks registered for the user's role (app.today.registry), or,
for a role without blocks, where to find its sections. Parents and pupils have the diary as their
home page: `/` is the week of their (first) child, opened at today, and counts as one diary
visit. Drawn here rather than redirected: one round trip less on a phone."""
from flask import g
from flask_appbuilder import IndexView, expose
from flask_babel import gettext as _

from app import clock, formats
from app.extensions import db
from app.security import roles as R
from app.security.current import current_scope
from app.today import registry
from app.views.diary import week_page


class HomeView(IndexView):
    route_base = ""
    index_template = "home.html"

    @expose("/")
    def index(self):
        scope = current_scope()
        if scope.role in R.FAMILY_ROLES and scope.pupil_ids:
            return week_page(self, None)
        if not registry.blocks_for(scope.role):
            return self.render_template(self.index_template, scope=scope, user=g.user)
        day = clock.today()
        # The primary, as the journal's grid: a mark just typed shows on the way back here.
        blocks = registry.read_blocks(db.session, scope, day)
        return self.render_template("today/page.html", blocks=blocks, day=day, day_name=registry.day_name(day),
                                    format_date=formats.format_date, scope=scope, user=g.user, title=_("Сегодня"))
