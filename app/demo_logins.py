"""Prints the demo address and logins (`make run`)."""
import sys

from config import Config
from app.security.roles import DEMO_LOGINS
from app.i18n import _


def main(port: str) -> None:
    print()
    print(_("Электронный журнал: %(url)s", url="http://127.0.0.1:%s/" % port))
    print(_("Демонстрационные входы (пароль для всех: %(password)s):", password=Config.DEMO_PASSWORD))
    for login, role in DEMO_LOGINS.items():
        print(f"  {login:<10} {role}")
    print()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "8080")
