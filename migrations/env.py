"""Alembic environment. The target metadata is FAB's Model.metadata, which holds FAB's ab_* tables
and all of ours (app.models imports every model); Flask-Migrate's default env.py would miss it."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from flask_appbuilder import Model

import app.models  # noqa: F401  (registers every table on Model.metadata)
from app.name_search import is_name_index

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_metadata = Model.metadata


def include_object(object_, name, type_, reflected, compare_to):
    """The name search indexes (migration 0004) live in the database only."""
    return not (reflected and compare_to is None and is_name_index(name))


def _engine():
    return current_app.extensions["migrate"].db.engine


def run_migrations_offline():
    context.configure(url=str(_engine().url), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, compare_type=True, include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            process_revision_directives=skip_empty,
            render_as_batch=True,
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
