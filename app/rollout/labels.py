"""Russian names of statuses, lights and readiness items, and the plain words of a graded cell
(shown in pages and in both xlsx files)."""
from app import formats
from app.monitoring.months import month_label, month_label_in
from app.rollout.status import GREEN, GREY, LATE, NOT_DUE, ON_TIME, OVERDUE, RED, YELLOW
from app.i18n import _, _l

STATUS_LABELS = {
    ON_TIME: _l("выполнено в срок"),
    LATE: _l("выполнено с опозданием"),
    OVERDUE: _l("просрочено"),
    NOT_DUE: _l("срок не наступил"),
    None: _l("нет школ"),
}

# A school's light (its own four items): overdue, late, on time.
LIGHT_LABELS = {
    GREEN: _l("в графике"),
    YELLOW: _l("с опозданием"),
    RED: _l("есть просрочка"),
    GREY: _l("сроки не наступили"),
}

# A municipality's light, graded by the share of its schools done (app.rollout.deadlines).
GRADE_LABELS = {
    GREEN: _l("в норме"),
    YELLOW: _l("отстаёт"),
    RED: _l("сильно отстаёт"),
    GREY: _l("сроки не наступили"),
    None: _l("нет школ"),
}

ITEM_LABELS = {
    "plan_approved": _l("План внедрения утверждён"),
    "responsible_appointed": _l("Ответственный назначен"),
    "normative_acts": _l("Локальные нормативные акты"),
    "system_chosen": _l("Система выбрана"),
    "hardware_ready": _l("Техника и ПО готовы"),
    "staff_trained": _l("Работники обучены"),
    "usage_share": _l("Доля школ, использующих систему"),
}


def grade_text(grade) -> str:
    """What a graded cell (app.rollout.deadlines.Grade) says in words, the same on the control
    page, in its xlsx and on the report's «Внедрение» sheet."""
    if grade.per_school:
        return _schools_text(grade)
    if grade.milestone.code == "usage_share":
        return _usage_text(grade)
    return _own_text(grade)


def _schools_text(grade) -> str:
    if not grade.schools:
        return _("нет школ")
    parts = []
    if grade.on_time:
        parts.append(_("в срок — %(n)s", n=grade.on_time))
    if grade.late:
        parts.append(_("с опозданием — %(n)s", n=grade.late))
    if grade.overdue:
        parts.append(_("просрочено — %(n)s (на %(days)s дн.)", n=grade.overdue, days=grade.days_overdue))
    if grade.not_due:
        parts.append(_("ещё не выполнили — %(n)s", n=grade.not_due))
    return _("из %(total)s школ: %(parts)s", total=grade.schools, parts=", ".join(parts))


def _own_text(grade) -> str:
    if grade.on_time:
        return _("выполнено в срок, %(day)s", day=formats.format_date(grade.done_on))
    if grade.late:
        return _("выполнено с опозданием на %(days)s дн., %(day)s", days=grade.days_late,
                 day=formats.format_date(grade.done_on))
    if grade.overdue:
        return _("просрочено на %(days)s дн.", days=grade.days_overdue)
    return _("срок не наступил")


def _usage_text(grade) -> str:
    if not grade.schools:
        return _("нет школ")
    if grade.using is None:
        return _("срок не наступил")
    if grade.reported:
        figures = _("%(month)s: используют %(using)s из %(total)s школ",
                    month=month_label(grade.month), using=grade.using, total=grade.schools)
    else:
        figures = _("%(month)s: нет данных", month=month_label(grade.month))
    if grade.on_time:
        return _("выполнено в срок (%(figures)s)", figures=figures)
    if grade.late:
        return _("выполнено с опозданием: цель достигнута в %(month)s (%(figures)s)",
                 month=month_label_in(grade.done_on), figures=figures)
    if grade.overdue:
        return _("просрочено на %(days)s дн. (%(figures)s)", days=grade.days_overdue, figures=figures)
    return _("срок не наступил (%(figures)s)", figures=figures)


def _share_words(value) -> str:
    """95 -> «95 %», 92.50 -> «92,5 %»."""
    return _("%(share)s %%", share=formats.format_decimal(value, None, trim=True))


def legend_lines(table) -> list[str]:
    """How the lights and the usage item are judged, in plain words, with the thresholds in
    force (for the control page and both xlsx files)."""
    t = table.thresholds
    lines = [
        _("Светофор муниципального образования — по худшему из наступивших сроков. По пункту для школ "
          "считается доля общеобразовательных школ, выполнивших его в срок или с опозданием; пункт самого "
          "муниципального образования (план, ответственный, доля использования) выполнен или нет."),
        _("Зелёный («в норме») — по каждому наступившему сроку выполнили не менее %(green)s школ; "
          "жёлтый («отстаёт») — хотя бы по одному сроку от %(yellow)s до %(green)s; красный («сильно "
          "отстаёт») — хотя бы по одному сроку меньше %(yellow)s школ или не выполнен пункт самого "
          "муниципального образования; серый — ни один срок ещё не наступил.",
          green=_share_words(t.green_share), yellow=_share_words(t.yellow_share)),
        _("Выполненное с опозданием считается выполненным: опоздание и число дней просрочки видны в ячейке."),
    ]
    for m in table.milestones:
        if m.code == "usage_share":
            month = m.due_on.replace(day=1)
            lines.append(_(
                "п.%(item)s «%(title)s» (срок %(due)s) оценивается по показателям за %(month)s: если в "
                "%(month_in)s систему использовали не менее %(target)s общеобразовательных школ "
                "муниципального образования — выполнено в срок; если доля достигнута в более позднем месяце "
                "— с опозданием; пока не достигнута — просрочено.",
                item=m.order_item, title=m.title, due=formats.format_date(m.due_on), month=month_label(month),
                month_in=month_label_in(month), target=_share_words(table.campaign.target_share)))
    return lines
