"""REST API (FAB ModelRestApi under /api/v1/, JWT from /api/v1/security/login): every API inherits
app.api.base.ScopedModelRestApi; the spec is at /api/v1/_openapi."""


def register(appbuilder) -> None:
    """The spec view is registered by the security manager (app.security.manager)."""
    from app.api.monitoring import UsageSnapshotApi

    appbuilder.add_api(UsageSnapshotApi)
