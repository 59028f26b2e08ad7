"""The repository's own text files: no merge left its conflict markers in one."""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"^(<{7} |={7}$|>{7} )", re.M)


def test_no_file_keeps_a_merge_conflict_marker():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    marked = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".png", ".jpg", ".xlsx", ".docx", ".pdf", ".mo", ".ico", ".woff", ".woff2"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if MARKER.search(text):
            marked.append(name)
    assert marked == []
