"""REST API (FAB ModelRestApi under /api/v1/, JWT from /api/v1/security/login): every API inherits
app.api.base.ScopedModelRestApi; the spec is at /api/v1/_openapi.

The factory registers them around the pages (app.create_app): the spec before them, the diary's
API right after the diary's pages, the usage snapshots' after all of them."""


def register_spec(appbuilder) -> None:
    """The OpenAPI spec (without FAB's Swagger UI, which loads its scripts from the internet)."""
    from flask import current_app

    from app.api.spec import ApiSpec

    config = current_app.config
    if config.get("FAB_API_OPENAPI_SPEC", True) and not config.get("FAB_API_SWAGGER_UI"):
        appbuilder.add_api(ApiSpec)


def register_diary(appbuilder) -> None:
    from app.api.diary import DiaryApi

    appbuilder.add_api(DiaryApi)


def register(appbuilder) -> None:
    from app.api.monitoring import UsageSnapshotApi

    appbuilder.add_api(UsageSnapshotApi)
