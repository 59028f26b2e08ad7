"""Evidence files: allowed types by extension and content, size limit, Russian refusals."""
import pytest

from app.errors import DomainError
from app.rollout.evidence import validate_evidence
from app.uploads import MAX_UPLOAD_BYTES, safe_filename

PDF = b"%PDF-1.7\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 10
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 10
ZIP = b"PK\x03\x04" + b"\x00" * 10


@pytest.mark.parametrize("name, data, content_type", [
    ("Положение.pdf", PDF, "application/pdf"),
    ("фото.JPG", JPG, "image/jpeg"),
    ("scan.jpeg", JPG, "image/jpeg"),
    ("scan.png", PNG, "image/png"),
    ("приказ.docx", ZIP, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("список.xlsx", ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_allowed_files_pass_with_content_type_from_extension(name, data, content_type):
    checked = validate_evidence("normative_acts", name, data)
    assert checked.content_type == content_type and checked.size_bytes == len(data)


def test_other_types_are_refused_in_russian():
    with pytest.raises(DomainError, match="допускаются только файлы docx, jpg, pdf, png, xlsx"):
        validate_evidence("hardware_ready", "setup.exe", b"MZ")


def test_a_renamed_file_is_refused():
    with pytest.raises(DomainError, match="не похож на файл PDF"):
        validate_evidence("hardware_ready", "setup.pdf", b"MZ\x90")


def test_size_limit_is_five_megabytes():
    validate_evidence("staff_trained", "a.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES - len(PDF)))
    with pytest.raises(DomainError, match="не более 5 МБ"):
        validate_evidence("staff_trained", "a.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES - len(PDF) + 1))


def test_empty_or_missing_file_is_refused():
    with pytest.raises(DomainError, match="не выбран или пуст"):
        validate_evidence("staff_trained", "a.pdf", b"")


def test_unknown_item_is_refused():
    with pytest.raises(DomainError, match="Неизвестный пункт"):
        validate_evidence("usage_share", "a.pdf", PDF)


def test_filename_loses_path_and_control_characters():
    assert safe_filename("C:\\Users\\x\\Документ.pdf") == "Документ.pdf"
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename('a"b\r\n.pdf') == "a_b__.pdf"
    assert safe_filename("счёт\u202efdp.exe") == "счёт_fdp.exe"  # shown reversed it would read «счётexe.pdf»
    assert safe_filename("при\u200bказ  № 5.pdf") == "приказ № 5.pdf"
    long = "я" * 300 + ".pdf"
    assert len(safe_filename(long)) == 200 and safe_filename(long).endswith(".pdf")
