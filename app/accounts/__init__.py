"""Accounts for real people: logins for staff, pupils and families, and for the region's and
municipalities' staff, with their scope; who may grant what; the record of every change.

- logins.py: a login from a person's name (transliterated, unique);
- grants.py: which roles and places a user may grant (nobody above their own role or place);
- issue.py: create accounts (one door, used by the pages and by `flask demo load`) and record events.
"""
