"""Flask commands. Each domain keeps its own command group in its package; they are added here."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.i18n import _, _l

roles_cli = AppGroup("roles", help=_l("Роли и права доступа."))
demo_cli = AppGroup("demo", help=_l("Демонстрационный регион."))


@roles_cli.command("sync")
def roles_sync():
    """Create the roles of docs/design.md with their permissions (idempotent)."""
    from app.security.roles import sync_roles

    counts = sync_roles(current_app.appbuilder)
    for role, count in counts.items():
        click.echo(_("%(role)s: %(count)s прав", role=role, count=count))


@demo_cli.command("load")
@click.option("--schools", default=1400, show_default=True, help=_l("Сколько школ в регионе."))
@click.option("--full-schools", default=3, show_default=True, help=_l("Сколько школ с полными журналами."))
@click.option("--if-empty", is_flag=True, help=_l("Ничего не делать, если в базе уже есть школы."))
def demo_load(schools: int, full_schools: int, if_empty: bool):
    """Load the demo region (idempotent; refuses a database with non-demo data)."""
    from app.demo import DemoRefused, load_demo
    from app.security.roles import sync_roles

    sync_roles(current_app.appbuilder)
    try:
        summary = load_demo(db.session, current_app.appbuilder.sm, password=current_app.config["DEMO_PASSWORD"],
                            schools=schools, full_schools=full_schools, if_empty=if_empty)
    except DemoRefused as refusal:
        raise click.ClickException(str(refusal))
    click.echo(summary)


def register_cli(app) -> None:
    from app.accounts.commands import cli as accounts_cli
    from app.backup.commands import cli as backup_cli
    from app.monitoring.commands import cli as monitoring_cli
    from app.notify.commands import cli as notify_cli

    app.cli.add_command(roles_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(monitoring_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(accounts_cli)
