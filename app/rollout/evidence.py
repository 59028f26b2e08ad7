"""Evidence files for readiness items: the file checks of app.uploads, for a known item.

Files are stored in the database (ReadinessEvidence.data): the app servers keep nothing on disk."""
from __future__ import annotations

from app.errors import DomainError
from app.rollout.status import SCHOOL_ITEMS
from app.i18n import _l
from app.uploads import UploadedFile, check_upload


def validate_evidence(item: str, filename: str, data: bytes) -> UploadedFile:
    """Check an uploaded file for readiness item `item`; return it cleaned or raise DomainError."""
    if item not in SCHOOL_ITEMS:
        raise DomainError(str(_l("Неизвестный пункт готовности.")))
    return check_upload(filename, data, missing=_l("Файл не выбран или пуст: выберите файл подтверждения."))
