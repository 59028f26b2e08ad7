"""Electronic diary of pupils and parents: the week, progress per subject, visit counting.

Plain modules (no Flask): each function takes a session and plain arguments and returns
dataclasses the views render and the API serialises. Scope is applied once, when the pupil is
looked up (`pupils.visible_pupil`, `pupils.children`); everything after that is about that pupil.
"""
