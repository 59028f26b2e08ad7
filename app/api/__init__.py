"""REST API (FAB ModelRestApi, JWT from /api/v1/security/login); the spec at /api/v1/_openapi."""


def register(appbuilder) -> None:
    from flask_appbuilder.api.manager import OpenApi

    from app.api.monitoring import UsageSnapshotApi
    from app.api.spec import ApiSpec

    appbuilder.add_api(UsageSnapshotApi)
    # FAB registers its OpenApi view only with the Swagger UI switched on (FAB_API_SWAGGER_UI).
    if not any(isinstance(view, OpenApi) for view in appbuilder.baseviews):
        appbuilder.add_api(ApiSpec)
