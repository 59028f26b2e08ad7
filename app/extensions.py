"""Extension instances, created unbound and initialised in create_app().

AppBuilder is not here: it keeps its views and menu on the instance, so each app gets its own."""
from flask_appbuilder import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

# FAB's Model carries its own metadata (its ab_* tables live there); binding Flask-SQLAlchemy to it
# gives Alembic one metadata with FAB's tables and ours.
db = SQLA(model_class=Model)
migrate = Migrate(compare_type=True, render_as_batch=True)
# Every form and every AJAX write (X-CSRFToken header); FAB exempts its JWT API blueprints.
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _connection_settings(dbapi_connection, connection_record):
    """SQLite enforces foreign keys (and their ON DELETE) only when asked, per connection, and
    gets the `fold()` SQL function of app.name_search.

    PostgreSQL: no JIT. Our statements are short OLTP queries; when the planner's cost estimate of
    a join over the region's tables passes jit_above_cost, compiling takes longer (~50 ms) than the
    query itself."""
    module = dbapi_connection.__class__.__module__
    if module.startswith("psycopg"):
        dbapi_connection.execute("SET jit = off")
        dbapi_connection.commit()
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
        # SQLite's lower() folds only Latin letters: the search by name (app.name_search) folds with Python's;
        # and it has no regexp_replace for the natural order of names (app.name_search.natural).
        from app.formats import fold_text, natural_text

        dbapi_connection.create_function("fold", 1, fold_text, deterministic=True)
        dbapi_connection.create_function("natural_text", 1, natural_text, deterministic=True)


# psycopg prepares a statement once it has run it five times on a connection, which saves the
# planning (2–9 ms for the diary's week statement against 1 ms to run it prepared). But it forgets
# every prepared statement on ROLLBACK, and a request that only read ends with one when its
# session closes: nothing was ever prepared. A transaction that wrote nothing ends with COMMIT
# instead — the same for the database. One that wrote, or failed, is rolled back as before.
@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany):
    if not statement.lstrip()[:6].upper() == "SELECT":
        conn.info["wrote"] = True


@event.listens_for(Engine, "rollback")
def _commit_a_reading_transaction(conn):
    wrote = conn.info.pop("wrote", False)
    dbapi_connection = conn.connection.dbapi_connection
    if wrote or not dbapi_connection.__class__.__module__.startswith("psycopg"):
        return
    from psycopg.pq import TransactionStatus  # only where psycopg is the driver

    if dbapi_connection.info.transaction_status == TransactionStatus.INTRANS:
        dbapi_connection.commit()  # psycopg's rollback that follows finds no transaction


@event.listens_for(Engine, "commit")
def _forget_writes(conn):
    conn.info.pop("wrote", None)
