"""The audit log, on the logger `journal.audit` (INFO). Ship the logger to the central log store
with the other application logs; no table is needed.

* Access to personal data (152-ФЗ): a record per successful GET of the show or edit page of a view
  over Pupil: who (user id and login), which pupil (pk), from where (IP), which page.
* Corrections of a methodist's answer to a consultation: the consultation keeps who answered and
  when (what the school was told first); a record says who changed the answer later and what it
  said before."""
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


def _actor() -> tuple[int | None, str | None]:
    user = current_user if current_user and current_user.is_authenticated else None
    return getattr(user, "id", None), getattr(user, "username", None)


def answer_corrected(consultation_id: int, answered_by_id: int | None, previous_answer: str) -> None:
    """Record that the current user changed the answer `answered_by_id` gave to a consultation;
    `previous_answer` is its text before the change."""
    user_id, username = _actor()
    log.info("consultation answer corrected: consultation=%s user_id=%s user=%s answered_by=%s ip=%s previous=%r",
             consultation_id, user_id, username, answered_by_id, request.remote_addr, previous_answer)


def init_app(app: Flask) -> None:
    endpoints: set[str] = set()

    @app.after_request
    def log_pupil_card(response):
        if request.method != "GET" or response.status_code != 200:
            return response
        if not endpoints:
            endpoints.update(pupil_card_endpoints(app.appbuilder))
        if request.endpoint in endpoints:
            user_id, username = _actor()
            log.info("pupil card opened: pupil=%s user_id=%s user=%s ip=%s page=%s",
                     (request.view_args or {}).get("pk"), user_id, username, request.remote_addr, request.path)
        return response
