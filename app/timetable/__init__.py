"""Timetable domain: clash rules, slot changes, the lesson calendar, substitutions, pupil import,
timetable export. Plain modules: they take a session and arguments and return data (no Flask)."""

WEEKDAYS = (1, 2, 3, 4, 5, 6)  # ISO weekdays Mon..Sat; schools have no Sunday lessons
