"""The OpenAPI spec of our API at /api/v1/_openapi, for the roles that use the API."""
from flask_appbuilder.api.manager import OpenApi

from app.web.api_messages import RussianAnswers
from app.security import roles as R


class ApiSpec(RussianAnswers, OpenApi):
    role_access = {R.VENDOR: ("can_get",), R.MONITORING: ("can_get",)}
