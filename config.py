"""Configuration classes; everything machine-specific comes from the environment."""
import os
import secrets
from datetime import date, timedelta
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))
# The demo's password (README, guides): refused by the password policy outside APP_ENV=dev.
DEFAULT_DEMO_PASSWORD = "Demo-2613-Journal"


def _secret_key() -> str:
    """SECRET_KEY from the environment, or one generated once into instance/ for the local demo."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    APP_NAME = "Электронный журнал Московской области"
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'journal.sqlite'}"
    )
    DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL") or None
    # Replica routing (app/replica.py): give up connecting after this many seconds, then read from
    # the primary for REPLICA_RETRY_SECONDS before trying the replica again.
    REPLICA_CONNECT_TIMEOUT = int(os.environ.get("REPLICA_CONNECT_TIMEOUT", "2"))
    REPLICA_RETRY_SECONDS = int(os.environ.get("REPLICA_RETRY_SECONDS", "30"))
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # LIFO: the pool hands out the connection used last, whose prepared statements are warm
    # (app/extensions.py); the others can idle.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_use_lifo": True}

    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_SECURITY_MANAGER_CLASS = "app.security.manager.SecurityManager"
    FAB_INDEX_VIEW = "app.views.home.HomeView"
    FAB_BASE_TEMPLATE = "base.html"
    FAB_API_SWAGGER_UI = False
    FAB_ADD_SECURITY_API = False
    # FAB's /api/v1/menu/ serves a JavaScript menu our pages do not use (FAB draws theirs in the
    # template), and answers in English.
    FAB_ADD_MENU_API = False
    FAB_API_MAX_PAGE_SIZE = 500
    # A list counts its rows up to this many and then says «более 10 000» (app/views/base.py).
    LIST_COUNT_BOUND = int(os.environ.get("LIST_COUNT_BOUND", "10000"))

    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "Администратор"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    AUTH_RATE_LIMITED = True
    # Failed logins only (app/security/login_guard.py). Per login name, in the database (shared by
    # every worker and server): LOGIN_LOCKOUT_FAILURES failures within LOGIN_LOCKOUT_WINDOW_MINUTES
    # (from the first) lock that name, and only it, for LOGIN_LOCKOUT_MINUTES.
    LOGIN_LOCKOUT_FAILURES = int(os.environ.get("LOGIN_LOCKOUT_FAILURES", "10"))
    LOGIN_LOCKOUT_WINDOW_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_WINDOW_MINUTES", "15"))
    LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
    # Per client address (Flask-Limiter, storage RATELIMIT_STORAGE_URI): a ceiling a whole school
    # behind one NAT address stays under (1,500 pupils and staff, every other one mistyping once).
    AUTH_RATE_LIMIT_PER_IP = os.environ.get("AUTH_RATE_LIMIT_PER_IP", "1000 per 15 minute")
    FAB_PASSWORD_COMPLEXITY_ENABLED = True  # app.security.manager.validate_password
    RATELIMIT_ENABLED = True
    # The per-address ceiling's counters: memory:// counts per process; several workers and
    # servers share redis://host:6379/0 (needs `redis`). The per-login lockout needs neither.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False

    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Europe/Moscow"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {"ru": {"flag": "ru", "name": "Русский"}}

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # One lifetime for a browser's session and an API refresh token (Flask-JWT-Extended's default
    # is 30 days); a login session unseen for longer ends too (app/security/sessions.py).
    PERMANENT_SESSION_LIFETIME = timedelta(
        minutes=int(os.environ.get("SESSION_LIFETIME_MINUTES", "480"))
    )
    JWT_REFRESH_TOKEN_EXPIRES = PERMANENT_SESSION_LIFETIME
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
    # Bounds on an uploaded xlsx before it is parsed (app/xlsx_upload.py): a zip bomb or a
    # million-row sheet is refused with a reason instead of stalling or bloating a worker.
    XLSX_MAX_UNPACKED_MB = int(os.environ.get("XLSX_MAX_UNPACKED_MB", "30"))
    XLSX_MAX_COMPRESSION_RATIO = int(os.environ.get("XLSX_MAX_COMPRESSION_RATIO", "100"))
    XLSX_MAX_SHARED_STRINGS = int(os.environ.get("XLSX_MAX_SHARED_STRINGS", "100000"))
    XLSX_MAX_SHARED_STRINGS_MB = int(os.environ.get("XLSX_MAX_SHARED_STRINGS_MB", "10"))

    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    # «Выдать доступ классу» (app/accounts/families.py): pupils get accounts from this grade up
    # (the form's default; the school may choose another), and a one-time code of a login slip
    # or an e-mailed link is valid this many days.
    ACCOUNT_PUPILS_FROM_GRADE = int(os.environ.get("ACCOUNT_PUPILS_FROM_GRADE", "5"))
    ACCOUNT_CODE_DAYS = int(os.environ.get("ACCOUNT_CODE_DAYS", "30"))
    # «Забыли пароль?» (app/accounts/recovery.py): a recovery link is good this many minutes, once.
    # Requests are counted per typed login or address in the database (PASSWORD_RESET_REQUESTS
    # within PASSWORD_RESET_WINDOW_MINUTES from the first, known or not) and per client address in
    # the per-address ceiling's storage (RATELIMIT_STORAGE_URI), like failed logins.
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    PASSWORD_RESET_REQUESTS = int(os.environ.get("PASSWORD_RESET_REQUESTS", "3"))
    PASSWORD_RESET_WINDOW_MINUTES = int(os.environ.get("PASSWORD_RESET_WINDOW_MINUTES", "60"))
    PASSWORD_RESET_RATE_PER_IP = os.environ.get("PASSWORD_RESET_RATE_PER_IP", "50 per hour")
    # The date pages take as today (ISO); empty = the real date. `make run` sets the demo's.
    TODAY = date.fromisoformat(os.environ["APP_TODAY"]) if os.environ.get("APP_TODAY") else None

    # Parent notifications go through the school network's own SMTP relay.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "dnevnik@localhost")
    APP_BASE_URL = os.environ.get("APP_BASE_URL", "http://127.0.0.1:8080")
    SLOW_REQUEST_MS = int(os.environ.get("SLOW_REQUEST_MS", "500"))
    # Diary visits are tallied per process and written together once this many seconds have
    # passed since the oldest unwritten one (app/diary/visits.py); 0 writes each at once.
    DIARY_VISITS_WRITE_SECONDS = float(os.environ.get("DIARY_VISITS_WRITE_SECONDS", "2"))
    # "json": every log line (not only the request lines) as one-line JSON.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    # Number of proxies (nginx, balancer) in front of gunicorn whose X-Forwarded-For is trusted;
    # 0 = none. Without it, behind a proxy every client shares the proxy's address (rate limit!).
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))

    def __init__(self):
        self.SECRET_KEY = _secret_key()


class DevConfig(Config):
    """The local demo served by `make run`: plain http on loopback, so cookies may not be Secure."""

    APP_ENV = "dev"  # the demo password is allowed as a password (app/security/password_forms.py)

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class ProdConfig(Config):
    APP_ENV = "prod"

    def __init__(self):
        super().__init__()
        if not os.environ.get("SECRET_KEY") or not os.environ.get("DATABASE_URL"):
            raise RuntimeError(
                "В рабочем режиме задайте переменные окружения SECRET_KEY и DATABASE_URL."
            )


class TestConfig(Config):
    APP_ENV = "test"
    TESTING = True
    SECRET_KEY_FOR_TESTS = "test-secret-key-" + "x" * 32
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = True
    # Cheap hashing keeps per-test user creation fast; production keeps FAB's scrypt default.
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # A page's visit is in the database when the page is served (tests of the tally set their own).
    DIARY_VISITS_WRITE_SECONDS = 0

    def __init__(self):
        self.SECRET_KEY = self.SECRET_KEY_FOR_TESTS


CONFIGS = {"dev": DevConfig, "prod": ProdConfig, "test": TestConfig}


def config_from_env():
    name = os.environ.get("APP_ENV", "dev")
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV={name!r}: допустимы {', '.join(CONFIGS)}")
    return CONFIGS[name]()
