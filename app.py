"""Entry point. The package app/ shadows this file on import, so servers use the factory:
`gunicorn 'app:create_app()'` and `flask --app 'app:create_app()'` (see README)."""
from app import create_app

app = create_app()
