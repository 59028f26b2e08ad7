"""Access log of personal data (152-ФЗ): every opening of a pupil's personal card is recorded.

A log record on the logger `journal.audit` (INFO) per successful GET of the show or edit page of a
view over Pupil: who (user id and login), which pupil (pk), from where (IP), which page. Ship the
logger to the central log store with the other application logs; no table is needed."""
from __future__ import annotations

import logging

from flask import Flask, request
from flask_login import current_user

from app.models import Pupil

log = logging.getLogger("journal.audit")
CARD_METHODS = ("show", "edit")


def pupil_card_endpoints(appbuilder) -> set[str]:
    """Endpoints that show one pupil's card: show/edit of every ModelView over Pupil, plus any
    view's `personal_card_endpoints` (method names of custom views)."""
    endpoints = set()
    for view in appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        if datamodel is not None and getattr(datamodel, "obj", None) is Pupil and hasattr(view, "show"):
            endpoints.update(f"{view.endpoint}.{method}" for method in CARD_METHODS)
        endpoints.update(f"{view.endpoint}.{method}" for method in getattr(view, "personal_card_endpoints", ()))
    return endpoints


def init_app(app: Flask) -> None:
    endpoints: set[str] = set()

    @app.after_request
    def log_pupil_card(response):
        if request.method != "GET" or response.status_code != 200:
            return response
        if not endpoints:
            endpoints.update(pupil_card_endpoints(app.appbuilder))
        if request.endpoint in endpoints:
            user = current_user if current_user and current_user.is_authenticated else None
            log.info("pupil card opened: pupil=%s user_id=%s user=%s ip=%s page=%s",
                     (request.view_args or {}).get("pk"), getattr(user, "id", None),
                     getattr(user, "username", None), request.remote_addr, request.path)
        return response
