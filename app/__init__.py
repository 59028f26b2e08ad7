"""Application factory: extensions, security headers, views, CLI; nothing else."""
from __future__ import annotations

import gc
import logging

import click
from flask import Flask

from flask_appbuilder import AppBuilder

from app.extensions import csrf, db, migrate
from app.startup import MIGRATIONS_DIR, check_or_exit
from app.i18n import _


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. `test_config` (tests only) overrides the environment's configuration."""
    from config import TestConfig, config_from_env

    app = Flask(__name__, instance_relative_config=False)
    serving = False
    if test_config is not None:
        app.config.from_object(TestConfig())
        app.config.update(test_config)
    else:
        try:
            app.config.from_object(config_from_env())
        except RuntimeError as error:
            click.echo(_("Ошибка запуска: %(problem)s", problem=error), err=True)
            raise SystemExit(1)
        # A server must not start on a bad database; CLI commands (db upgrade) must still run.
        serving = click.get_current_context(silent=True) is None
        check_or_exit(app.config["SQLALCHEMY_DATABASE_URI"], require_head=serving)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)

    from app import http, models  # noqa: F401  (models: every table mapped before FAB starts)
    from app import observability, replica

    from app.web.api_messages import russian_validation_messages

    russian_validation_messages()  # before FAB builds its API schemas
    with app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        from app import api
        from app.views import register_views

        # The order of registration is the order of the permission rows a new database gets, which
        # the security pages list by id: the spec and the diary's API keep the places they had when
        # the security manager and the diary's pages registered them.
        api.register_spec(appbuilder)
        register_views(appbuilder, after={"diary": api.register_diary})
        api.register(appbuilder)
        appbuilder.post_init()
    from app.views import layout

    layout.install(app)

    http.init_app(app)
    replica.init_app(app)
    observability.init_app(app)

    from app.cli import register_cli

    register_cli(app)
    if serving:
        # What start-up built lives as long as the process: kept out of the collector's full
        # passes, which otherwise walk all of it (~225,000 objects, a 0.1 s pause for every
        # request the worker holds). Under `gunicorn --preload` the workers also keep sharing it.
        gc.freeze()
    return app
