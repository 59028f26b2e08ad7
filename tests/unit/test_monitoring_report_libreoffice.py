"""LibreOffice opens both documents of the справка: headless conversion of the docx and the xlsx
to PDF succeeds, and each PDF's text names the month and carries the region's total.

Needs `soffice` (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui) and `pdftotext`
(poppler-utils); .ci/run installs them, so under CI this never skips.
"""
import re
import shutil
import subprocess

import pytest

from app.monitoring import imports
from app.monitoring.indicators import compute_month
from app.monitoring.report import build_xlsx, report_data
from app.monitoring.report_docx import build_docx
from app.security.scope import load_scope
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world, import_rows

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (soffice) and pdftotext: apt-get install libreoffice-writer-nogui "
           "libreoffice-calc-nogui poppler-utils (.ci/run does)")

# September in the monitoring world: A1 and the imported B2 use the system, of 5 general-education
# schools: the region's total is 2 of 5, 40,0 %.
REGION_TOTAL = "систему используют 2 из 5 общеобразовательных школ области (40,0%)"


@pytest.fixture
def data(app, session):
    w = build_monitoring_world(session, app.appbuilder.sm)
    compute_month(session, SEPTEMBER)
    monitor = load_scope(session, w.users["monitor"])
    imports.apply_import(session, monitor, imports.validate(session, monitor, SEPTEMBER, import_rows(w)), user_id=None)
    return report_data(session, SEPTEMBER, generated_by="Иванова")


def to_pdf_text(tmp_path, *documents) -> dict[str, str]:
    """Convert the files to PDF with one headless LibreOffice (its own profile folder, so parallel
    runs do not share one) and read each PDF's text back, whitespace folded to single spaces."""
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), *map(str, documents)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    texts = {}
    for document in documents:
        pdf = tmp_path / "pdf" / (document.stem + ".pdf")
        assert pdf.exists(), result.stdout + result.stderr
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        texts[document.suffix] = re.sub(r"\s+", " ", text)
    return texts


def test_libreoffice_converts_both_documents_with_month_and_region_total(data, session, tmp_path):
    docx = tmp_path / "spravka-docx.docx"
    xlsx = tmp_path / "spravka-xlsx.xlsx"
    docx.write_bytes(build_docx(data))
    xlsx.write_bytes(build_xlsx(session, data))

    texts = to_pdf_text(tmp_path, docx, xlsx)

    for suffix in (".docx", ".xlsx"):
        text = texts[suffix]
        assert "за сентябрь 2012" in text, suffix
        assert REGION_TOTAL in text, suffix
        assert "Итого по области" in text, suffix
    assert "Итого по области 5 2 40,0" in texts[".docx"]
