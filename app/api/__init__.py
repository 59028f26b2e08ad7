"""REST API (FAB ModelRestApi under /api/v1/): every API inherits app.api.base.ScopedModelRestApi."""
