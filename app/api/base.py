"""Base class for our REST APIs: FAB's ModelRestApi with row scope and 4xx instead of 500.

    from app.api.base import API_EDIT, API_READ, ScopedModelRestApi
    from app.web.data import ScopedInterface

    class UsageSnapshotApi(ScopedModelRestApi):
        resource_name = "usage-snapshots"
        datamodel = ScopedInterface(UsageSnapshot)
        role_access = {R.MONITORING: API_EDIT, R.VENDOR: API_EDIT, R.MINISTRY: API_READ}
        list_columns = [...]

What it adds to ModelRestApi:
- every read (list, get, `_info` related values) keeps only rows in the caller's scope
  (app.security.scope.visible); a row out of scope answers 404, like in the UI;
- a write must leave the row within `changeable()`: otherwise 403 and nothing is saved;
- text that app.textinput refuses (a NUL, a bidi override, over the column's length) answers 400
  with its Russian message (marshmallow's own English length check is taken off);
- a database refusal (unique, foreign key, check) answers 422 with the Russian message the pages
  flash for it (the data layer both share, app.web.data.ScopedInterface), on POST too (FAB
  re-raises the raw error there: 500), and nothing is logged as a server error; so does one met
  while the view's own checks read (pre_add, pre_update run without autoflush);
- a write's body must be a JSON object: anything else (`[1]`, not JSON) answers 400 in Russian;
- a pk that is not an integer of the database's range answers 404 (FAB: 500 on PostgreSQL and on
  SQLite for huge numbers);
- a write (POST, PUT, DELETE) authenticated by the browser's session cookie needs the page's CSRF
  token in the X-CSRFToken header (FAB exempts APIs from CSRF); with a JWT
  (`Authorization: Bearer ...`, from POST /api/v1/security/login) it needs none. Reads accept the
  session cookie, so our own pages may call the API.
Malformed, expired or missing JWTs answer 401 (configured in app.security.manager). Every answer's
message is Russian (app.web.api_messages), marshmallow's validation messages included.
"""
from __future__ import annotations

from flask import request
from flask_appbuilder.api import ModelRestApi
from flask_babel import gettext as _
from marshmallow.validate import Length
from sqlalchemy.exc import SQLAlchemyError

from app.web.api_messages import RussianAnswers
from app.errors import DomainError, database_error_message
from app.extensions import csrf
from app.security.filters import scope_base_filters
from app.textinput import TextRefused
from app.web.data import ScopeRefused

API_READ = ("can_get", "can_info")
API_EDIT = API_READ + ("can_post", "can_put", "can_delete")

# A pk outside the column's integer range cannot name a row (integer / bigint).
PK_MIN, PK_MAX, BIG_PK_MAX = 1, 2**31 - 1, 2**63 - 1
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _refusal_status(refusal: DomainError) -> int:
    """403 out of scope; 400 for text that cannot be stored as sent (app.textinput: raised while
    the schema sets the attributes); 422 for the other refusals."""
    if isinstance(refusal, ScopeRefused):
        return 403
    return 400 if isinstance(refusal, TextRefused) else 422


def _integer_ids(node) -> None:
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            ids = properties.get("ids")
            if isinstance(ids, dict) and ids.get("items", {}).get("type") == "string":
                ids["items"] = {"type": "integer"}
            if isinstance(properties.get("id"), dict) and properties["id"].get("type") == "string":
                properties["id"] = {"type": "integer"}
        for value in node.values():
            _integer_ids(value)
    elif isinstance(node, list):
        for value in node:
            _integer_ids(value)


def _info_columns_are_arrays(node) -> None:
    """FAB declares `_info`'s add_columns / edit_columns as objects; they are lists of fields."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name in ("add_columns", "edit_columns"):
                if isinstance(properties.get(name), dict) and properties[name].get("type") == "object":
                    properties[name] = {"type": "array", "items": {"type": "object"}}
        for value in node.values():
            _info_columns_are_arrays(value)


class ScopedModelRestApi(RussianAnswers, ModelRestApi):
    """ModelRestApi over rows in the caller's scope; see the module docstring."""

    allow_browser_login = True
    role_access: dict = {}

    def __init__(self):
        model = self.datamodel.obj
        self.base_filters = scope_base_filters(model) + list(self.base_filters or [])
        add_rules = dict(self.add_query_rel_fields or {})
        edit_rules = dict(self.edit_query_rel_fields or {})
        for column in self.datamodel.get_columns_list():
            if self.datamodel.is_relation(column):
                related = scope_base_filters(self.datamodel.get_related_model(column))
                add_rules.setdefault(column, related)
                edit_rules.setdefault(column, related)
        self.add_query_rel_fields = add_rules
        self.edit_query_rel_fields = edit_rules
        super().__init__()

    # --- the OpenAPI spec says what the API really answers -----------------------------------

    def add_api_spec(self, api_spec):
        """Correct FAB's spec: list `ids` and the new row's `id` are integers; errors may be objects."""
        super().add_api_spec(api_spec)
        # FAB answers 400/422 with a marshmallow error dict as `message` too; declared as a string.
        for code in ("400", "422"):
            response = api_spec.components.responses.get(code)
            if response:
                schema = response["content"]["application/json"]["schema"]
                schema["properties"]["message"] = {"oneOf": [{"type": "string"}, {"type": "object"},
                                                             {"type": "array"}]}
        prefix = f"/api/{self.version}/{self.resource_name}/"
        forbidden = {"description": "Forbidden: the account has no such permission, or the row is out of its scope",
                     "content": {"application/json": {"schema": {
                         "type": "object", "properties": {"message": {"type": "string"}}}}}}
        for path, operations in api_spec._paths.items():
            if path.startswith(prefix):
                for operation in operations.values():
                    if isinstance(operation, dict) and "responses" in operation:
                        operation["responses"].setdefault("403", forbidden)
                _integer_ids(operations)
                if path.endswith("/_info"):
                    _info_columns_are_arrays(operations)

    def _get_field_info(self, field, filter_rel_field, page=None, page_size=None):
        """FAB translates an empty description with gettext(""), which is the catalogue header."""
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        if not self.description_columns.get(field.name):
            info["description"] = ""
        return info

    # --- before FAB's view: a body within the size limit, the CSRF token of cookie-authenticated writes

    def create_blueprint(self, appbuilder, *args, **kwargs):
        blueprint = super().create_blueprint(appbuilder, *args, **kwargs)  # builds the schemas too
        # A text column's length is app.textinput's to judge (400, the field and its limit in Russian);
        # marshmallow's Length would answer first, in English.
        for schema in filter(None, (self.add_model_schema, self.edit_model_schema)):
            for field in schema.fields.values():
                field.validators = [check for check in field.validators if not isinstance(check, Length)]
        blueprint.before_request(self._body_within_limit)
        blueprint.before_request(self._csrf_for_cookie_writes)
        return blueprint

    @staticmethod
    def _body_within_limit():
        """Read a write's body before FAB's view does. Werkzeug refuses a body over
        MAX_CONTENT_LENGTH while reading it; inside FAB's view (its `safe` decorator catches every
        exception) that was a logged 500 instead of app.http's JSON 413."""
        if request.method not in SAFE_METHODS:
            request.get_data()
        return None

    @staticmethod
    def _csrf_for_cookie_writes():
        if request.method in SAFE_METHODS:
            return None
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return None
        csrf.protect()  # raises CSRFError (400) without a valid X-CSRFToken
        return None

    # --- pks out of the integer range are not rows --------------------------------------------

    def _valid_pk(self, pk) -> bool:
        from sqlalchemy import BigInteger

        column = self.datamodel.obj.__mapper__.primary_key[0]
        top = BIG_PK_MAX if isinstance(column.type, BigInteger) else PK_MAX
        try:
            return PK_MIN <= int(str(pk)) <= top
        except ValueError:
            return False

    def get_headless(self, pk, **kwargs):
        return super().get_headless(pk, **kwargs) if self._valid_pk(pk) else self.response_404()

    def _bad_relations(self, columns) -> dict:
        """Relations must be given as row ids (marshmallow-sqlalchemy turns an object into a new
        row, and an unknown key into a TypeError: 500)."""
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return {}
        errors = {}
        for column in columns:
            if column not in payload or not self.datamodel.is_relation(column):
                continue
            value = payload[column]
            ids = value if isinstance(value, list) and self.datamodel.is_relation_many_to_many(column) else [value]
            if any(v is not None and (isinstance(v, bool) or not isinstance(v, int)) for v in ids):
                errors[column] = [_("Укажите номер (id) записи.")]
        return errors

    def _refused(self, write):
        """Run FAB's write; our refusals and the database's answer 4xx in Russian, nothing saved.
        The view's checks read the database: without autoflush, so that a value the database
        refuses (a CHECK constraint) meets the check's Russian sentence first, not a flush."""
        session = self.datamodel.session
        try:
            with session.no_autoflush:
                return write()
        except DomainError as refusal:
            session.rollback()
            return self.response(_refusal_status(refusal), message=refusal.message)
        except SQLAlchemyError as error:
            session.rollback()
            return self.response_422(message=database_error_message(error))

    def _not_an_object(self):
        """A write's body that FAB cannot read as a row's fields (it answered 500 to `[1]`)."""
        if not isinstance(request.get_json(silent=True), dict):
            return self.response_400(message=_("Тело запроса должно быть объектом JSON с полями записи."))
        return None

    def put_headless(self, pk):
        if not self._valid_pk(pk):
            return self.response_404()
        errors = self._bad_relations(self.edit_columns)
        if errors:
            return self.response_422(message=errors)
        return self._not_an_object() or self._refused(lambda: super(ScopedModelRestApi, self).put_headless(pk))

    def delete_headless(self, pk):
        if not self._valid_pk(pk):
            return self.response_404()
        return self._refused(lambda: super(ScopedModelRestApi, self).delete_headless(pk))

    def post_headless(self):
        errors = self._bad_relations(self.add_columns)
        if errors:
            return self.response_422(message=errors)
        return self._not_an_object() or self._refused(lambda: super(ScopedModelRestApi, self).post_headless())

    # --- writes stay within changeable() -------------------------------------------------------

    def pre_add(self, item):
        self.datamodel.assert_changeable(item, pending_add=True)

    def pre_update(self, item):
        self.datamodel.assert_changeable(item)

    def pre_delete(self, item):
        self.datamodel.assert_changeable(item)
