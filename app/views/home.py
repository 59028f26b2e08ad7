"""The start page: what this user works on, by role."""
from flask import g
from flask_appbuilder import IndexView, expose

from app.security.current import current_scope


class HomeView(IndexView):
    route_base = ""
    index_template = "home.html"

    @expose("/")
    def index(self):
        scope = current_scope()
        return self.render_template(self.index_template, scope=scope, user=g.user)
