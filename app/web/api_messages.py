"""The REST API's answers in Russian: marshmallow's validation messages and FAB's own 4xx texts.

marshmallow copies its classes' default messages into each field and schema it builds, so
`russian_validation_messages()` runs before the API views (and their schemas) are created: from
create_app, before the views are registered. The interface speaks Russian only, so the defaults
are the Russian msgids themselves (N_, in the catalogue); where they carry marshmallow's
placeholders ({min}, {choices}) marshmallow fills them in.
"""
from __future__ import annotations

import re

from marshmallow import Schema, fields, validate
from marshmallow_sqlalchemy import fields as sqla_fields

from app.i18n import N_, _

FIELD_MESSAGES = {
    fields.Field: {"required": N_("Обязательное поле."), "null": N_("Поле не может быть пустым."),
                   "validator_failed": N_("Недопустимое значение.")},
    fields.Nested: {"type": N_("Неверный тип значения.")},
    fields.List: {"invalid": N_("Ожидается список.")},
    fields.Tuple: {"invalid": N_("Ожидается список.")},
    fields.String: {"invalid": N_("Ожидается строка."), "invalid_utf8": N_("Строка не в кодировке UTF-8.")},
    fields.Number: {"invalid": N_("Ожидается число."), "too_large": N_("Слишком большое число.")},
    fields.Integer: {"invalid": N_("Ожидается целое число.")},
    fields.Float: {"special": N_("Бесконечность и NaN не допускаются.")},
    fields.Decimal: {"special": N_("Бесконечность и NaN не допускаются.")},
    fields.Boolean: {"invalid": N_("Ожидается true или false.")},
    fields._TemporalField: {"invalid": N_("Неверное значение даты или времени."),
                            "invalid_awareness": N_("Неверное значение даты или времени."),
                            "format": N_("«{input}» нельзя записать как дату или время.")},
    fields.Date: {"invalid": N_("Неверная дата: ожидается ГГГГ-ММ-ДД."),
                  "format": N_("«{input}» нельзя записать как дату.")},
    fields.TimeDelta: {"invalid": N_("Неверная продолжительность.")},
    fields.Mapping: {"invalid": N_("Ожидается объект.")},
    fields.Url: {"invalid": N_("Неверный адрес (URL).")},
    fields.Email: {"invalid": N_("Неверный адрес электронной почты.")},
    fields.Enum: {"unknown": N_("Допустимые значения: {choices}.")},
    sqla_fields.Related: {"invalid": N_("Укажите номер (id) записи.")},
}
SCHEMA_MESSAGES = {"type": N_("Ожидается объект JSON с полями записи."), "unknown": N_("Неизвестное поле.")}
VALIDATOR_MESSAGES = {
    validate.Range: {"message_min": N_("Значение должно быть {min_op} {{min}}."),
                     "message_max": N_("Значение должно быть {max_op} {{max}}."),
                     "message_all": N_("Значение должно быть {min_op} {{min}} и {max_op} {{max}}."),
                     "message_gte": N_("не меньше"), "message_gt": N_("больше"),
                     "message_lte": N_("не больше"), "message_lt": N_("меньше")},
    validate.Length: {"message_min": N_("Длина не меньше {min}."), "message_max": N_("Длина не больше {max}."),
                      "message_all": N_("Длина от {min} до {max}."), "message_equal": N_("Длина ровно {equal}.")},
    validate.OneOf: {"default_message": N_("Допустимые значения: {choices}.")},
    validate.Regexp: {"default_message": N_("Значение не подходит по формату.")},
    validate.Email: {"default_message": N_("Неверный адрес электронной почты.")},
    validate.URL: {"default_message": N_("Неверный адрес (URL).")},
    validate.Equal: {"default_message": N_("Значение должно быть равно {other}.")},
}


def russian_validation_messages() -> None:
    for cls, messages in FIELD_MESSAGES.items():
        cls.default_error_messages = {**cls.__dict__.get("default_error_messages", {}), **messages}
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA_MESSAGES}
    for cls, messages in VALIDATOR_MESSAGES.items():
        for name, text in messages.items():
            setattr(cls, name, text)


class RussianAnswers:
    """Mixin for FAB's API views (BaseApi): its own answers in Russian instead of «Not found»,
    «Forbidden», «Not authorized», «Request is not JSON», «Fatal error»."""

    def response_400(self, message=None):
        return self.response(400, message=_ru(message, _("Запрос не распознан: проверьте его тело и параметры.")))

    def response_401(self):
        return self.response(401, message=_("Нужен вход: неверный логин или пароль, или ключ доступа не указан."))

    def response_403(self):
        return self.response(403, message=_("Доступ запрещён: у этой учётной записи нет такого права."))

    def response_404(self):
        return self.response(404, message=_("Не найдено"))

    def response_422(self, message=None):
        return self.response(422, message=_ru(message, _("Данные не приняты: проверьте поля.")))

    def response_500(self, message=None):
        return self.response(500, message=_("Внутренняя ошибка сервера"))


# FAB's own English texts that reach an answer as a message; any other English one (an exception's
# text: «Filter column: x not allowed to filter») gives way to the answer's Russian sentence.
FAB_TEXTS = {"Request is not JSON": N_("Тело запроса должно быть в формате JSON."),
             "Not a valid rison/json argument": N_("Параметр q не распознан: ожидается rison или JSON."),
             "Not a valid rison argument": N_("Параметр q не распознан: ожидается rison или JSON.")}
CYRILLIC = re.compile("[\u0400-\u04ff]")  # a Russian message has Cyrillic letters


def _ru(message, fallback: str):
    if isinstance(message, str) and not CYRILLIC.search(message):
        return _(FAB_TEXTS[message]) if message in FAB_TEXTS else fallback
    return message or fallback
