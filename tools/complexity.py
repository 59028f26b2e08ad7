"""`make lint`: every function of app/ above cyclomatic complexity LIMIT (radon), worst first.

Prints the ten most complex functions for information and fails (exit 1) when any is above
LIMIT: split such a function into named steps."""
from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_visit

LIMIT = 15
ROOT = Path(__file__).resolve().parent.parent


def measured(root: Path = ROOT / "app") -> list[tuple[int, str]]:
    """(complexity, «path:line name») of every function and method under `root`, worst first (radon
    lists a method both alone and with its class: counted once)."""
    found = set()
    for path in sorted(root.rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            for item in [block, *getattr(block, "methods", [])]:
                if item.letter in "FM":
                    found.add((item.complexity, f"{path.relative_to(ROOT)}:{item.lineno} {item.fullname}"))
    return sorted(found, key=lambda pair: (-pair[0], pair[1]))


def main() -> int:
    found = measured()
    print("Самые сложные функции (цикломатическая сложность):")
    for complexity, where in found[:10]:
        print(f"  {complexity:3d}  {where}")
    over = [(c, w) for c, w in found if c > LIMIT]
    if over:
        print(f"Сложнее {LIMIT}: {len(over)} — разбейте их на именованные шаги.")
        return 1
    print(f"Все функции не сложнее {LIMIT}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
