"""REST API (FAB ModelRestApi under /api/v1/, JWT from /api/v1/security/login): every API inherits
app.api.base.ScopedModelRestApi; the spec is at /api/v1/_openapi."""


def register(appbuilder) -> None:
    """The APIs and their OpenAPI spec (without FAB's Swagger UI, which loads its scripts from the
    internet)."""
    from flask import current_app

    from app.api.diary import DiaryApi
    from app.api.monitoring import UsageSnapshotApi
    from app.api.spec import ApiSpec

    appbuilder.add_api(UsageSnapshotApi)
    appbuilder.add_api(DiaryApi)
    config = current_app.config
    if config.get("FAB_API_OPENAPI_SPEC", True) and not config.get("FAB_API_SWAGGER_UI"):
        appbuilder.add_api(ApiSpec)
