"""Russian names of statuses, lights and readiness items (shown in pages and the xlsx export)."""
from app.rollout.status import GREEN, GREY, LATE, NOT_DUE, ON_TIME, OVERDUE, RED, YELLOW
from app.text import _l

STATUS_LABELS = {
    ON_TIME: _l("выполнено в срок"),
    LATE: _l("выполнено с опозданием"),
    OVERDUE: _l("просрочено"),
    NOT_DUE: _l("срок не наступил"),
    None: _l("нет школ"),
}

LIGHT_LABELS = {
    GREEN: _l("в графике"),
    YELLOW: _l("с опозданием"),
    RED: _l("есть просрочка"),
    GREY: _l("сроки не наступили"),
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
