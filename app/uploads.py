"""Uploaded files (readiness evidence, methodical materials): which are accepted, refused with a
Russian reason.

Files are stored in the database: the app servers keep nothing on disk. A file is accepted when
its extension is allowed, its first bytes match that type (a renamed .exe is refused), and its
size is between 1 byte and MAX_UPLOAD_BYTES."""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

from app.errors import DomainError
from app.i18n import _l
from app.textinput import BIDI_CONTROLS, ZERO_WIDTH

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# extension -> (content type, accepted leading bytes)
ALLOWED = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}

# What a file input offers in the browser's dialog (the server checks again).
ACCEPT = ",".join("." + extension for extension in ALLOWED)
# The types as forms and refusals name them: "docx, jpg, pdf, png, xlsx".
TYPES = ", ".join(sorted({extension for extension in ALLOWED if extension != "jpeg"}))
MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes

    @property
    def size_bytes(self) -> int:
        return len(self.data)


def safe_filename(name: str) -> str:
    """The file's own name without any path, control characters, bidi overrides or quotes, zero-width
    characters removed (app.textinput: a name is stored only as it can be read); at most 200 chars,
    keeping the extension."""
    base = os.path.basename(unicodedata.normalize("NFC", name or "").translate(ZERO_WIDTH).replace("\\", "/"))
    base = "".join("_" if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs") else char
                   for char in base)
    base = re.sub(r'["<>:|?*;]', "_", " ".join(base.split())).strip(" .") or "file"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 199 - len(ext)] + dot + ext) if dot else base[:200]
    return base


def check_upload(filename: str, data: bytes, *, missing=_l("Файл не выбран или пуст: выберите файл.")) -> UploadedFile:
    """Check an uploaded file; return it with a safe name and its content type, or raise DomainError.

    `missing` is the refusal for no file or an empty one (each form says which file it wants).
    The content type is decided here from the extension (what the browser sends is not trusted)."""
    name = safe_filename(filename)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if not filename or not data:
        raise DomainError(str(missing))
    if extension not in ALLOWED:
        raise DomainError(str(_l("Файл «%(name)s» не принят: допускаются только файлы %(types)s.",
                                 name=name, types=TYPES)))
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(str(_l("Файл «%(name)s» слишком большой: допускается не более %(mb)s МБ.",
                                 name=name, mb=MAX_UPLOAD_MB)))
    content_type, signatures = ALLOWED[extension]
    if not data.startswith(signatures):
        raise DomainError(str(_l("Файл «%(name)s» не похож на файл %(ext)s: сохраните документ заново и загрузите ещё раз.",
                                 name=name, ext=extension.upper())))
    return UploadedFile(name, content_type, data)
