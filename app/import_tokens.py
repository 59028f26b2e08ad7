"""Preview-then-confirm imports (pupils from a class list, usage figures from a file): the signed
token that carries the checked rows from the preview to the confirmation, confirmed once.

No file is kept on the server between the two requests, so any worker can confirm. A confirmation
consumes its token by inserting the token's digest into `consumed_import_token` (a unique key) in
the transaction that writes the import, before its first other write. Of several confirmations
of one preview (a double click, two tabs, two workers) one commits: on PostgreSQL a second insert
waits for the first transaction and fails on the key when it commits (or goes ahead when it rolls
back); SQLite lets one writer at a time. The others write nothing and read «Этот импорт уже
выполнен». A new preview of the same file makes a new token.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.models import ConsumedImportToken
from app.i18n import _


@dataclass(frozen=True)
class ImportTokens:
    """The tokens of one import. `kind` salts the signature (a token of one import is not valid for
    another) and names the consumed rows; `max_age` is how many seconds a preview may wait."""

    kind: str
    max_age: int

    def sign(self, payload: dict, secret: str) -> str:
        return URLSafeTimedSerializer(secret, salt=self.kind).dumps(payload)

    def unsign(self, token: str, secret: str) -> dict:
        """The payload of a token made by `sign`; DomainError when it is expired or not ours."""
        try:
            return URLSafeTimedSerializer(secret, salt=self.kind).loads(token, max_age=self.max_age)
        except SignatureExpired as error:
            raise DomainError(_("Предпросмотр устарел: загрузите файл ещё раз.")) from error
        except BadSignature as error:
            raise DomainError(_("Данные предпросмотра повреждены: загрузите файл ещё раз.")) from error

    def consume(self, session: Session, token: str) -> None:
        """Mark the token confirmed in the session's transaction: call it before the import's
        first write, commit it with the import. A token confirmed already (or being confirmed by
        a transaction that then commits) rolls the session back and raises DomainError."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        session.add(ConsumedImportToken(digest=digest, kind=self.kind))
        try:
            session.flush()
        except IntegrityError as error:
            session.rollback()
            raise DomainError(_("Этот импорт уже выполнен: данные из файла записаны, "
                                "подтверждать его ещё раз не нужно."), code="already_imported") from error
