"""Every Russian string a user reads goes through gettext (STYLE.md, convention 1).

The scan reads app/**.py with `ast`: a string literal with a Cyrillic letter must be the message of
a gettext call (`_`, `_l`, `N_`, `gettext`, `lazy_gettext`, `ngettext`, ...) or a docstring.
Anything else is either a user-facing text that bypasses the catalogue (wrap it: `_("… %(name)s …",
name=...)`, never an f-string inside `_()`), or data — and data is listed in ALLOWED below, by
module and by the name that owns the literal, with the reason. A new Russian literal anywhere else
fails here.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
GETTEXT = {"_", "_l", "N_", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext", "lazy_pgettext",
           "npgettext", "__"}
EVERYTHING = "*"

# module (relative to the repository) -> the names owning Russian literals that are data, not text.
# A name is the assignment target or the function/class the literal sits in, dotted from the
# module's top (e.g. "PeriodMark.__table_args__", "template_xlsx").
ALLOWED: dict[str, set[str]] = {
    # The demo region: Russian names of people, schools, subjects, topics — data loaded into the database.
    "app/demo.py": {EVERYTHING},
    "app/demo_names.py": {EVERYTHING},
    "app/demo_plans.py": {EVERYTHING},
    # Role names are stored in the database (ab_role.name) and are the names users see (roles.py docstring).
    "app/security/roles.py": {"ADMIN", "MINISTRY", "MONITORING", "METHODIST", "MUNICIPAL", "SCHOOL_ADMIN",
                              "SECRETARY", "TEACHER", "PARENT", "PUPIL", "VENDOR"},
    # The default text of guardian_link.relation, which users type themselves.
    "app/models/people.py": {"DEFAULT_RELATION"},
    # What the class-list import accepts: header spellings matched against a school's file, letters
    # of names and class letters, Latin look-alikes of Cyrillic letters; the template's sample row.
    "app/timetable/pupil_import.py": {"HEADERS", "NAME_PART", "CLASS_NAME", "LATIN_TWINS", "TEMPLATE_EXAMPLE"},
    # What the staff import accepts: header spellings, the «да»/«нет» of «ведёт уроки»; the template's sample row.
    "app/timetable/staff_import.py": {"HEADERS", "TEACHES", "TEMPLATE_EXAMPLE"},
    # What the thematic plan's import accepts: header spellings of teachers' files, hours typed as
    # «2 ч.»; the template's sample row.
    "app/journal/plan_import.py": {"HEADERS", "TEMPLATE_EXAMPLE"},
    "app/journal/plan.py": {"HOURS"},
    # The journal's absence codes an accepted notice replaces and writes (absence_code.code, data).
    "app/journal/absence_notices.py": {"MISSED", "CODE_OF_REASON"},
    # The absence code of illness and the director's staff position, as stored in the database.
    "app/journal/report_card.py": {"ILLNESS_CODES", "DIRECTOR_POSITION"},
    # The search by name reads «ё» as «е», in Python and in SQL.
    "app/name_search.py": {"_fold_default"},
    "app/formats.py": {"fold_text"},
    # The password policy reads Cyrillic passwords as the Latin keys they are typed on.
    "app/security/passwords.py": {"_CYRILLIC_KEYS"},
    # Logins are transliterated from names (the password policy transliterates its dictionary
    # with it), and a staff member's role is read from the words of the position.
    "app/accounts/logins.py": {"_TRANSLIT"},
    "app/accounts/issue.py": {"role_for_position"},
}


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _target_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None


class _Scan(ast.NodeVisitor):
    """Collects (line, owner, text) of Cyrillic literals that are neither gettext messages nor docstrings."""

    def __init__(self):
        self.scope: list[str] = []
        self.owner: str = ""
        self.exempt: set[int] = set()
        self.found: list[tuple[int, str, str]] = []

    def _docstring(self, node) -> None:
        body = getattr(node, "body", None)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            self.exempt.add(id(body[0].value))

    def visit_Module(self, node):
        self._docstring(node)
        self.generic_visit(node)

    def _scoped(self, node):
        self._docstring(node)
        self.scope.append(node.name)
        saved, self.owner = self.owner, ".".join(self.scope)
        self.generic_visit(node)
        self.owner = saved
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def _assigned(self, node, targets):
        names = [_target_name(t) for t in targets]
        saved = self.owner
        if names and names[0]:
            self.owner = ".".join(self.scope + [names[0]])
        self.generic_visit(node)
        self.owner = saved

    def visit_Assign(self, node):
        self._assigned(node, node.targets)

    def visit_AnnAssign(self, node):
        self._assigned(node, [node.target])

    def visit_Call(self, node):
        if _call_name(node.func) in GETTEXT:
            self.exempt.update(id(a) for a in node.args if isinstance(a, ast.Constant))
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and CYRILLIC.search(node.value) and id(node) not in self.exempt:
            self.found.append((node.lineno, self.owner, node.value))


def untranslated_literals(source: str, filename: str = "<source>") -> list[tuple[int, str, str]]:
    scan = _Scan()
    scan.visit(ast.parse(source, filename))
    return scan.found


def _literals_of(path: Path) -> list[tuple[int, str, str]]:
    return untranslated_literals(path.read_text(encoding="utf-8"), str(path))


def _modules():
    return sorted(p for p in APP.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_russian_literal_in_app_goes_through_gettext():
    offenders = []
    for path in _modules():
        module = path.relative_to(ROOT).as_posix()
        allowed = ALLOWED.get(module, set())
        if EVERYTHING in allowed:
            continue
        for line, owner, text in _literals_of(path):
            if owner.split(".")[0] not in allowed and owner not in allowed:
                offenders.append(f"{module}:{line} ({owner or 'module'}): {text!r}")
    assert offenders == [], ("Russian text outside gettext: wrap it in _()/_l()/N_() "
                             "or, if it is data, add it to ALLOWED with the reason")


def test_allowlist_names_only_what_still_needs_it():
    """A stale entry would let a later literal of the same name through unseen."""
    stale = []
    for module, names in ALLOWED.items():
        path = ROOT / module
        assert path.exists(), module
        if EVERYTHING in names:
            continue
        owners = {owner for _line, owner, _text in _literals_of(path)}
        owners |= {owner.split(".")[0] for owner in owners}
        stale += [f"{module}: {name}" for name in sorted(names - owners)]
    assert stale == []


def test_modules_that_translate_with_underscore_never_rebind_it():
    """`for _, x in rows` in a module using _() shadows gettext: the next _("...") in that function
    raises UnboundLocalError or calls a number. Name throwaway values `_row`, `_value`."""
    rebinding = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        imports_gettext = any(isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == "_" for a in node.names)
                              for node in ast.walk(tree))
        if not imports_gettext:
            continue
        rebinding += [f"{path.relative_to(ROOT).as_posix()}:{node.lineno}" for node in ast.walk(tree)
                      if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)]
    assert rebinding == []


def test_the_scan_sees_what_it_should():
    source = '''
"""Модуль."""
from app.i18n import _, _l, N_
A = "Данные"
def f(name):
    """Документация."""
    ok = (_("Текст %(name)s", name=name), _l("Ленивый"), N_("Метка"))
    return f"Привет, {name}", _(f"Нельзя {name}")
'''
    found = [(owner, text) for _line, owner, text in untranslated_literals(source)]
    assert found == [("A", "Данные"), ("f", "Привет, "), ("f", "Нельзя ")]
