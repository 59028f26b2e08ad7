"""Finding rows by a typed name: «Иванов», «7А СОШ № 5», «математика».

The same on SQLite and PostgreSQL: case does not matter (SQLite's own lower() folds only Latin
letters, so SQLite connections get `fold()` from app.extensions) and «ё» matches «е», as people
type it. No Flask imports: the views' search conditions (app.web.search_forms) call `named_ids()`.

People (pupils, staff, logins) are found through an index of their names, not by reading every
name (bench/lists.py, a typed pupil's name at region scale): the trigram indexes of migration 0004
on PostgreSQL, its FTS5 trigram tables on SQLite. A word may also name the person's school: those
schools are looked up first, so the person's condition stays one OR of indexed columns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import String, cast, column, func, literal_column, or_, select, table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.formats import NATURAL_DIGITS, fold_text
from app.models import ClassGroup, Pupil, School, Staff, Subgroup, Subject, TeachingAssignment
from app.i18n import N_

# The trigram tokenizer indexes sequences of three letters: a shorter word is matched by reading.
TRIGRAM = 3
# Longer than any name we keep: such a text cannot be part of one, and is refused unread.
MAX_LENGTH = 100
_NOT_TEXT = re.compile(r"[\x00-\x1f\x7f]")


class fold(FunctionElement):
    """SQL: the column's text as `fold_text` gives it (PostgreSQL lower() folds Cyrillic by the
    database's locale; SQLite calls the Python function registered on the connection)."""

    type = String()
    name = "fold"
    inherit_cache = True


@compiles(fold)
def _fold_default(element, compiler, **kw):
    # The letters are literals, not parameters: the trigram indexes are on this very expression.
    (text,) = element.clauses
    return compiler.process(func.replace(func.lower(text), literal_column("'ё'"), literal_column("'е'")), **kw)


@compiles(fold, "sqlite")
def _fold_sqlite(element, compiler, **kw):
    return f"fold({compiler.process(element.clauses, **kw)})"


class natural(FunctionElement):
    """SQL: the column's text as `app.formats.natural_text` gives it, whose plain order is the
    natural order of names («СОШ № 2» before «СОШ № 10»): folded, every number padded to
    NATURAL_DIGITS digits. PostgreSQL pads with two regexp_replace (every number gets the zeros,
    then keeps its last NATURAL_DIGITS digits); SQLite calls the Python function registered on
    the connection (app.extensions)."""

    type = String()
    name = "natural_text"
    inherit_cache = True


@compiles(natural)
def _natural_default(element, compiler, **kw):
    (text,) = element.clauses
    padded = func.regexp_replace(fold(text), literal_column(r"'(\d+)'"),
                                 literal_column(f"'{'0' * NATURAL_DIGITS}\\1'"), literal_column("'g'"))
    kept = func.regexp_replace(padded, literal_column(rf"'0*(\d{{{NATURAL_DIGITS}}})'"), literal_column(r"'\1'"),
                               literal_column("'g'"))
    return compiler.process(kept, **kw)


@compiles(natural, "sqlite")
def _natural_sqlite(element, compiler, **kw):
    return f"natural_text({compiler.process(element.clauses, **kw)})"  # NATURAL is a keyword


def printable(text: str) -> str:
    """`text` with control characters as spaces: PostgreSQL refuses a NUL in a text (a 500 for any
    search condition of a list that was sent one)."""
    return _NOT_TEXT.sub(" ", text)


def words(text: str | None) -> list[str]:
    """The folded words of a typed search text. Empty when nothing is typed."""
    return [fold_text(word) for word in printable(text or "").split()]


@dataclass(frozen=True)
class Names:
    """How the rows of a model are named: `texts` are the SQL expressions a typed word may be part
    of, over `rows` (a SELECT of the model's key, joined to what the texts need). `hint` says
    what to type (the input's placeholder).

    A person's name is indexed (`indexed`: the SQLite FTS5 table of migration 0004 over `texts`,
    which are then the model's own columns); a word may also be part of the name of its `school`
    (the school column)."""

    rows: Callable[[], object]
    texts: Callable[[], tuple]
    hint: str
    indexed: str | None = None
    school: Callable[[], object] | None = None


def _class_label():
    return cast(ClassGroup.grade, String) + ClassGroup.letter  # «7А», as ClassGroup.name


def _person(model, hint: str) -> Names:
    return Names(rows=lambda: select(model.id), texts=lambda: (model.last_name, model.first_name, model.middle_name),
                 hint=hint, indexed=f"{model.__tablename__}_name_search", school=lambda: model.school_id)


# The hints are marked for the catalogue (N_); the views show them through gettext.
NAMES: dict[type, Names] = {
    Pupil: _person(Pupil, N_("фамилия, имя; можно и школу")),
    Staff: _person(Staff, N_("фамилия, имя; можно и школу")),
    User: Names(rows=lambda: select(User.id), texts=lambda: (User.username, User.last_name, User.first_name),
                hint=N_("логин, фамилия или имя"), indexed="ab_user_name_search"),
    School: Names(rows=lambda: select(School.id), texts=lambda: (School.short_name, School.name),
                  hint=N_("название школы")),
    Subject: Names(rows=lambda: select(Subject.id), texts=lambda: (Subject.name, Subject.short_name),
                   hint=N_("название предмета")),
    ClassGroup: Names(rows=lambda: select(ClassGroup.id).join(School, School.id == ClassGroup.school_id),
                      texts=lambda: (_class_label(), School.short_name),
                      hint=N_("класс и школа, например: 7А СОШ № 5")),
    Subgroup: Names(rows=lambda: (select(Subgroup.id).join(ClassGroup, ClassGroup.id == Subgroup.class_group_id)
                                  .join(School, School.id == ClassGroup.school_id)),
                    texts=lambda: (Subgroup.name, _class_label(), School.short_name),
                    hint=N_("подгруппа, класс, школа")),
    TeachingAssignment: Names(
        rows=lambda: (select(TeachingAssignment.id)
                      .join(ClassGroup, ClassGroup.id == TeachingAssignment.class_group_id)
                      .join(School, School.id == ClassGroup.school_id)
                      .join(Subject, Subject.id == TeachingAssignment.subject_id)),
        texts=lambda: (_class_label(), Subject.name, Subject.short_name, School.short_name),
        hint=N_("класс, предмет, школа: 7А математика")),
}


def named_ids(session, model, typed: list[str]):
    """SELECT of the keys of `model`'s rows whose name has every typed (folded) word in it, each
    word in any of the model's texts: «Иванов СОШ» finds Ivanovs of schools named «СОШ …».
    A word's «%» and «_» are letters, not wildcards."""
    names = NAMES[model]
    statement = names.rows()
    texts = names.texts()
    sqlite = session.get_bind().dialect.name == "sqlite"
    for word in typed:
        if names.indexed and sqlite and len(word) >= TRIGRAM:
            index = table(names.indexed, column("rowid"))
            phrase = '"' + word.replace('"', '""') + '"'  # the word as letters, not FTS5 syntax
            matched = select(index.c.rowid).where(literal_column(names.indexed).op("MATCH")(phrase))
            found = [model.__mapper__.primary_key[0].in_(matched)]
        else:
            # A NULL text (no middle name) is simply not a match for the word.
            found = [fold(text).contains(word, autoescape=True) for text in texts]
        if names.school:
            schools = list(session.scalars(select(School.id).where(fold(School.short_name).contains(word, autoescape=True))))
            if schools:
                found.append(names.school().in_(schools))
        statement = statement.where(or_(*found))
    return statement


def is_name_index(name: str | None) -> bool:
    """Whether a table or index is one of migration 0004's name indexes, which the models do not
    describe (the schema comparison of migrations/env.py leaves them out)."""
    return bool(name) and (name.endswith("_trgm") or "_name_search" in name)
