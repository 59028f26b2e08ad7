"""Reading the plan and readiness forms: every field checked first, then written all at once.

`form` is anything with `get(name)` and `getlist(name)` (a werkzeug MultiDict in the views, a
plain helper in tests). Parsing returns a list of Russian error sentences; saving happens only
when that list is empty, so bad input changes nothing."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from app import formats
from app.models import PlanTarget, RolloutPlan, School, SchoolReadiness
from app.i18n import _l
from app.textinput import TextRefused, clean_column

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^[0-9+()\-\s]{5,40}$")


def parse_date(value: str | None, label) -> tuple[dt.date | None, str | None]:
    """A form's date (app.formats: ДД.ММ.ГГГГ or ISO); empty -> None; else the field's Russian error."""
    try:
        return formats.parse_date(value), None
    except formats.NotADate:
        return None, str(_l("%(field)s: «%(value)s» — не дата; укажите дату в виде ДД.ММ.ГГГГ.",
                            field=label, value=(value or "").strip()))


def _int(value: str | None, label, *, low: int = 0, high: int = 1_000_000) -> tuple[int | None, str | None]:
    value = (value or "").strip()
    if not value:
        return None, None
    try:
        number = int(value)
    except ValueError:
        return None, str(_l("%(field)s: «%(value)s» — не целое число.", field=label, value=value))
    if not low <= number <= high:
        return None, str(_l("%(field)s: число должно быть от %(low)s до %(high)s.", field=label, low=low, high=high))
    return number, None


@dataclass
class PlanInput:
    values: dict = field(default_factory=dict)
    targets: list[tuple[dt.date, Decimal | None, int | None]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


PLAN_TEXT_FIELDS = {  # lengths are the columns' (app.textinput)
    "approval_doc_number": _l("Номер документа об утверждении"),
    "responsible_full_name": _l("ФИО ответственного"),
    "responsible_position": _l("Должность ответственного"),
    "responsible_phone": _l("Телефон ответственного"),
    "responsible_email": _l("Эл. почта ответственного"),
}
PLAN_DATE_FIELDS = {
    "approval_doc_date": _l("Дата утверждения плана"),
    "responsible_appointed_on": _l("Дата назначения ответственного"),
}


def _text(form, model, name: str, label, errors: list[str]) -> str | None:
    """The form's text for `model.name` by its column's rule (app.textinput); a refusal goes to
    `errors` and the value is None."""
    try:
        return clean_column(getattr(model, name), form.get(name), field=str(label))
    except TextRefused as refusal:
        errors.append(refusal.message)
        return None


def _check_plan_fields(form, result: PlanInput) -> None:
    """Text and date fields of the plan, each on its own."""
    for name, label in PLAN_TEXT_FIELDS.items():
        result.values[name] = _text(form, RolloutPlan, name, label, result.errors)
    for name, label in PLAN_DATE_FIELDS.items():
        result.values[name], error = parse_date(form.get(name), label)
        if error:
            result.errors.append(error)


def _check_plan_contacts(result: PlanInput) -> None:
    """The responsible person's contacts, and the dates a document or a person demands."""
    email = result.values["responsible_email"]
    if email and not EMAIL_RE.match(email):
        result.errors.append(str(_l("Эл. почта ответственного: «%(value)s» — не адрес электронной почты.", value=email)))
    phone = result.values["responsible_phone"]
    if phone and not PHONE_RE.match(phone):
        result.errors.append(str(_l("Телефон ответственного: допускаются цифры, пробелы, «+», «-» и скобки.")))
    if result.values["approval_doc_number"] and not result.values["approval_doc_date"]:
        result.errors.append(str(_l("Укажите дату утверждения плана.")))
    if result.values["responsible_full_name"] and not result.values["responsible_appointed_on"]:
        result.errors.append(str(_l("Укажите дату назначения ответственного.")))


def _target_rows(form):
    """(row number, raw date, raw share, raw count) of each submitted row neither removed nor empty."""
    dates, shares, counts = form.getlist("target_date"), form.getlist("share"), form.getlist("school_count")
    removed = set(form.getlist("remove"))
    for i in range(max(len(dates), len(shares), len(counts))):
        if str(i) in removed:
            continue
        raw_date = dates[i] if i < len(dates) else ""
        raw_share = (shares[i] if i < len(shares) else "").strip().rstrip("%").strip()
        raw_count = counts[i] if i < len(counts) else ""
        if not (raw_date.strip() or raw_share or raw_count.strip()):
            continue
        yield i + 1, raw_date, raw_share, raw_count


def _target_day(raw_date: str, row: int, label, errors: list[str]) -> dt.date | None:
    day, error = parse_date(raw_date, label)
    if error:
        errors.append(error)
    elif day is None:
        errors.append(str(_l("Показатель %(n)s: укажите дату.", n=row)))
    return day


def _target_share(raw_share: str, row: int, errors: list[str]) -> Decimal | None:
    """A share in per cent, 0–100 inclusive; empty -> None."""
    if not raw_share:
        return None
    try:
        share = formats.parse_decimal(raw_share)
        if not Decimal(0) <= share <= Decimal(100):
            raise formats.NotANumber(raw_share)
    except formats.NotANumber:
        errors.append(str(_l("Показатель %(n)s: доля школ — число от 0 до 100.", n=row)))
        return None
    return share


def _check_target_row(result: PlanInput, seen: set[dt.date], row: int, raw_date: str, raw_share: str,
                      raw_count: str, school_total: int) -> None:
    label = _l("Показатель %(n)s", n=row)
    day = _target_day(raw_date, row, label, result.errors)
    share = _target_share(raw_share, row, result.errors)
    count, error = _int(raw_count, label, high=school_total)
    if error:
        result.errors.append(str(_l("Показатель %(n)s: число школ — от 0 до %(total)s (школ в муниципалитете).",
                                    n=row, total=school_total)))
    if share is None and count is None and not raw_share and not raw_count.strip():
        result.errors.append(str(_l("Показатель %(n)s: укажите долю школ или число школ.", n=row)))
    if day is not None:
        if day in seen:
            result.errors.append(str(_l("Показатель на %(date)s указан дважды.", date=formats.format_date(day))))
        seen.add(day)
        if share is not None or count is not None:
            result.targets.append((day, share, count))


def parse_plan_form(form, school_total: int) -> PlanInput:
    """Plan fields and the target rows (target_date[], share[], school_count[], remove[] by index).

    A target row needs a date and a share (0–100 %) or a number of schools (0..school_total);
    empty rows are skipped; two targets on one date are refused."""
    result = PlanInput()
    _check_plan_fields(form, result)
    _check_plan_contacts(result)
    seen: set[dt.date] = set()
    for row, raw_date, raw_share, raw_count in _target_rows(form):
        _check_target_row(result, seen, row, raw_date, raw_share, raw_count, school_total)
    result.targets.sort(key=lambda t: t[0])
    return result


def save_plan(session: Session, plan: RolloutPlan, data: PlanInput, *, user_id: int | None, now: dt.datetime) -> None:
    """Write checked plan input: fields, and the targets replaced by the submitted list."""
    assert not data.errors, "save only checked input"
    for name, value in data.values.items():
        setattr(plan, name, value)
    plan.updated_at = now
    plan.updated_by_id = user_id
    existing = {t.target_date: t for t in plan.targets}
    wanted = {day for day, _, _ in data.targets}
    for day, target in existing.items():
        if day not in wanted:
            plan.targets.remove(target)
    session.flush()
    for day, share, count in data.targets:
        target = existing.get(day)
        if target is None:
            target = PlanTarget(target_date=day)
            plan.targets.append(target)
        target.share = share
        target.school_count = count
    session.flush()


@dataclass
class ReadinessInput:
    values: dict = field(default_factory=dict)
    journal_system_id: int | None = None
    errors: list[str] = field(default_factory=list)


READINESS_DATES = {
    "normative_acts_on": _l("Дата принятия локальных актов"),
    "system_chosen_on": _l("Дата выбора системы"),
    "hardware_ready_on": _l("Дата готовности техники и ПО"),
    "staff_trained_on": _l("Дата обучения работников"),
}


def _check_readiness_texts(form, result: ReadinessInput) -> None:
    """The act's name and the hardware note, by their columns' rule."""
    result.values["normative_acts_doc"] = _text(form, SchoolReadiness, "normative_acts_doc", _l("Локальные акты"),
                                                result.errors)
    result.values["hardware_note"] = _text(form, SchoolReadiness, "hardware_note", _l("Примечание о технике"),
                                           result.errors)


def _check_readiness_dates(form, result: ReadinessInput) -> None:
    for name, label in READINESS_DATES.items():
        result.values[name], error = parse_date(form.get(name), label)
        if error:
            result.errors.append(error)


def _check_staff(form, result: ReadinessInput) -> None:
    """Trained and total staff, whole numbers; more trained than employed is refused."""
    trained, error = _int(form.get("staff_trained"), _l("Обучено работников"))
    if error:
        result.errors.append(error)
    total, error = _int(form.get("staff_total"), _l("Всего работников"))
    if error:
        result.errors.append(error)
    if trained is not None and total is not None and trained > total:
        result.errors.append(str(_l("Обучено работников (%(a)s) больше, чем всего работников (%(b)s).", a=trained, b=total)))
    result.values["staff_trained"], result.values["staff_total"] = trained, total


def _check_journal_system(form, result: ReadinessInput, system_ids: set[int]) -> None:
    raw_system = (form.get("journal_system_id") or "").strip()
    if not raw_system:
        return
    system_id, error = _int(raw_system, _l("Система"))
    if error or system_id not in system_ids:
        result.errors.append(str(_l("Выберите систему электронного журнала из списка.")))
    else:
        result.journal_system_id = system_id


def parse_readiness_form(form, system_ids: set[int]) -> ReadinessInput:
    """The checklist of p.4.2. `system_ids`: the journal systems one may choose from."""
    result = ReadinessInput()
    _check_readiness_texts(form, result)
    _check_readiness_dates(form, result)
    _check_staff(form, result)
    _check_journal_system(form, result, system_ids)
    if result.values["system_chosen_on"] and result.journal_system_id is None:
        result.errors.append(str(_l("Указана дата выбора системы, но не выбрана сама система.")))
    if result.values["normative_acts_on"] and not (form.get("normative_acts_doc") or "").strip():
        result.errors.append(str(_l("Укажите реквизиты локального акта (название, номер).")))
    return result


def save_readiness(session: Session, readiness: SchoolReadiness, school: School, data: ReadinessInput, *,
                   user_id: int | None, now: dt.datetime) -> None:
    """Write checked readiness input; the chosen system is stored on the school itself."""
    assert not data.errors, "save only checked input"
    for name, value in data.values.items():
        setattr(readiness, name, value)
    readiness.updated_at = now
    readiness.updated_by_id = user_id
    school.journal_system_id = data.journal_system_id
    session.flush()
