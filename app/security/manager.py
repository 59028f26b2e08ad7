"""Our FAB security manager: one place for login and password rules."""
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager


class SecurityManager(FabSecurityManager):
    """FAB's SQLA security manager; the password policy and login hardening hang here."""
