/* Russian texts for the widgets Flask-AppBuilder ships in English: select2 (4.0) and
   bootstrap-datepicker (1.10). Loaded after both libraries, before ab.js initialises them. */
(function ($) {
  "use strict";
  function plural(n, one, few, many) {
    var m10 = n % 10, m100 = n % 100;
    if (m10 === 1 && m100 !== 11) { return one; }
    if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) { return few; }
    return many;
  }
  if ($.fn.select2 && $.fn.select2.defaults) {
    $.fn.select2.defaults.set("language", {
      errorLoading: function () { return "Не удалось загрузить список"; },
      inputTooLong: function (a) {
        var n = a.input.length - a.maximum;
        return "Удалите " + n + " " + plural(n, "символ", "символа", "символов");
      },
      inputTooShort: function (a) {
        var n = a.minimum - a.input.length;
        return "Введите ещё " + n + " " + plural(n, "символ", "символа", "символов");
      },
      loadingMore: function () { return "Загрузка…"; },
      maximumSelected: function (a) {
        return "Можно выбрать не больше " + a.maximum + " " + plural(a.maximum, "элемента", "элементов", "элементов");
      },
      noResults: function () { return "Ничего не найдено"; },
      searching: function () { return "Поиск…"; },
      removeAllItems: function () { return "Очистить"; },
      removeItem: function () { return "Убрать"; }
    });
  }
  if ($.fn.datepicker && $.fn.datepicker.dates) {
    $.fn.datepicker.dates.ru = {
      days: ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"],
      daysShort: ["вс", "пн", "вт", "ср", "чт", "пт", "сб"],
      daysMin: ["вс", "пн", "вт", "ср", "чт", "пт", "сб"],
      months: ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
               "октябрь", "ноябрь", "декабрь"],
      monthsShort: ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
      today: "Сегодня",
      clear: "Очистить",
      format: "dd.mm.yyyy",
      weekStart: 1,
      monthsTitle: "Месяцы"
    };
    $.fn.datepicker.defaults.language = "ru";
    $.fn.datepicker.defaults.weekStart = 1;
  }
}(jQuery));
