"""HTTP concerns in one place: CSP nonce and security headers, error pages, DomainError replies."""
from __future__ import annotations

import re
import secrets
from urllib.parse import quote

from flask import Flask, Response, current_app, g, jsonify, render_template, request, send_from_directory
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.errors import DomainError
from app.security.login_guard import LoginLocked


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _page(title, message, status: int):
    """An error page. Errors raised before FAB's before_request (CSRF, size limit, rate limit)
    find no g.user, which FAB's layout reads."""
    if "user" not in g:
        from flask_login import current_user

        g.user = current_user
    return render_template("error.html", title=title, message=message), status


def stored_file(data: bytes, filename: str, content_type: str) -> Response:
    """A file kept in the database, as a download under its own name.

    The name goes twice into Content-Disposition: `filename*` (RFC 5987, UTF-8: Russian names
    arrive intact) and, for old clients, `filename` with every non-ASCII character replaced by «_».
    The stored content type is sent as is; `security_headers` adds X-Content-Type-Options:
    nosniff, so the browser does not guess another type from the bytes."""
    ascii_name = "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, mimetype=content_type, headers={"Content-Disposition": disposition})


UPLOAD_LIMITS = "upload_limits"  # app.extensions[UPLOAD_LIMITS]: {endpoint: bytes}
MB = 1024 * 1024


def limit_uploads(app: Flask, max_bytes: int, *endpoints: str) -> None:
    """Say that the forms of these endpoints take a file of at most `max_bytes`, below the whole
    request's MAX_CONTENT_LENGTH. The form refuses a larger file itself; a request over
    MAX_CONTENT_LENGTH is cut off before the form sees it, and its 413 reply names `max_bytes` too,
    so that the user is told one limit, whatever the size of the file they picked."""
    app.extensions.setdefault(UPLOAD_LIMITS, {}).update(dict.fromkeys(endpoints, max_bytes))


def upload_limit(app: Flask, endpoint: str | None) -> int:
    """The size limit, in bytes, that the user of this endpoint's form faces: its own file limit
    (limit_uploads) where it has one, otherwise the whole request's MAX_CONTENT_LENGTH (the pupil
    and monitoring imports, the API)."""
    whole = app.config["MAX_CONTENT_LENGTH"]
    own = app.extensions.get(UPLOAD_LIMITS, {}).get(endpoint)
    return min(own, whole) if own else whole


def upload_limit_mb(endpoint: str | None) -> int:
    """upload_limit of this endpoint in whole megabytes (rounded down), the figure that both the
    form beside its file input (templates call it by the endpoint the form posts to) and its 413
    reply name."""
    return upload_limit(current_app, endpoint) // MB


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json" or request.is_json


# Werkzeug's answers (English HTML) for the statuses that have no handler of their own below, as a
# Russian page or JSON message: (title, message) by status; any other status gets OTHER_ERROR.
HTTP_ERRORS = {
    400: (_l("Неверный запрос"), _l("Запрос не распознан: обновите страницу и повторите.")),
    401: (_l("Нужен вход"), _l("Войдите в систему, чтобы продолжить.")),
    403: (_l("Доступ запрещён"), _l("У вашей учётной записи нет доступа к этой странице или действию.")),
    405: (_l("Действие недоступно"), _l("Эта страница не принимает такой запрос: вернитесь назад и повторите "
                                        "действие кнопкой на странице.")),
}
OTHER_ERROR = (_l("Запрос не выполнен"), _l("Сервер не может выполнить этот запрос; вернитесь на главную страницу."))
STALE_PAGE = _l("Страница устарела: обновите её и повторите")


# Control characters (CR, LF, ...) in a return address would go into a Location header, which
# Werkzeug refuses with a ValueError: a 500 after a successful login.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def refuse_control_characters_in_next() -> None:
    if CONTROL.search(request.args.get("next", "")):
        raise DomainError(_("Адрес возврата в ссылке повреждён: откройте страницу входа заново."), code="bad_request")


def init_app(app: Flask) -> None:
    # FAB's templates call csp_nonce() when it is defined (baselib.get_nonce).
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["upload_limit_mb"] = upload_limit_mb
    from app.security import audit

    audit.init_app(app)  # who opened which pupil's card (152-ФЗ)

    @app.context_processor
    def appbuilder_context():
        # Error pages are rendered outside FAB's views, which normally pass these.
        return {"appbuilder": app.appbuilder, "base_template": app.appbuilder.base_template}

    app.before_request(refuse_control_characters_in_next)

    @app.get("/favicon.ico")
    def favicon():
        # Browsers ask for it on their own. Answered by a page (404), it would resave the session
        # cookie, and when it races a login the browser keeps the stale, anonymous cookie.
        return send_from_directory(app.static_folder, "img/favicon.svg", mimetype="image/svg+xml", max_age=86400)

    @app.after_request
    def security_headers(response):
        nonce = g.get("csp_nonce")
        script_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src {script_src}; "
            # FAB's templates carry style attributes; scripts stay nonce-only.
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if _wants_json():
            return jsonify(error=error.message, code=error.code), 400
        return _page(_("Действие отклонено"), error.message, 400)

    @app.errorhandler(404)
    def not_found(error):
        if _wants_json():
            return jsonify(message=_("Не найдено")), 404
        return _page(_("Страница не найдена"), _("Такой страницы нет или у вас нет к ней доступа."), 404)

    @app.errorhandler(500)
    def server_error(error):
        if _wants_json():
            return jsonify(message=_("Внутренняя ошибка сервера")), 500
        return _page(_("Ошибка на сервере"),
                     _("Что-то пошло не так. Изменения не сохранены; попробуйте ещё раз или сообщите администратору."), 500)

    @app.errorhandler(CSRFError)
    def stale_page(error: CSRFError):
        """The form's or the script's CSRF token is missing or has expired (the page stood open too
        long, or the session ended): the user reloads the page and repeats."""
        if _wants_json():
            return jsonify(message=str(STALE_PAGE), code="stale_page"), 400
        return _page(_("Страница устарела"), STALE_PAGE, 400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        title, message = HTTP_ERRORS.get(error.code, OTHER_ERROR)
        # Keep the status's own headers (405: Allow), not Werkzeug's English body.
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        if _wants_json():
            return jsonify(message=str(message)), error.code, headers
        return (*_page(title, message, error.code), headers)

    @app.errorhandler(429)
    def too_many(error: HTTPException):
        message = _("Слишком много неудачных попыток входа. Подождите несколько минут и попробуйте снова.")
        headers = {}
        if isinstance(error, LoginLocked):
            message, headers = error.description, {"Retry-After": str(error.retry_after_seconds)}
        if _wants_json():
            return jsonify(message=message), 429, headers
        body, status = _page(_("Вход временно закрыт"), message, 429)
        return body, status, headers

    @app.errorhandler(413)
    def too_large(error: HTTPException):
        mb = upload_limit_mb(request.endpoint)
        if request.mimetype != "multipart/form-data":  # an API client's body, not a file
            message = _("Запрос слишком большой: допускается не более %(mb)s МБ.", mb=mb)
        else:
            message = _("Файл слишком большой: допускается не более %(mb)s МБ.", mb=mb)
        if _wants_json():
            return jsonify(message=message), 413
        return _page(_("Файл не принят"), message, 413)
