"""Login slips: what app/templates/accounts/slips.html prints for each person (a page of slips to
cut, A4, eight to a page), whoever issues them (a class's families, one forgotten password, a
school's staff).

The template's context:
- `slips`: a list of Slip, in the order they are printed;
- `site_url`: the address people type (the request's host_url);
- `title`: the page's heading; `back_url`, `back_label`: the link back to where the slips came from;
- `sent`: names the one-time link was e-mailed to, `not_sent`: names whose letter failed and
  whose slip is printed instead (both may be empty).
The codes exist in clear only in the answer that issued them: the page is never stored or shown
again (a lost sheet means new codes)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.formats import format_date, local_date


@dataclass(frozen=True)
class Slip:
    """One person's slip. `name`: the person's full name; `subtitle`: who they are for the school
    («Родитель: Иванова Мария, 5А», «Ученик, 5А класс», «Учитель»); `login`; `code`: the one-time
    code as printed («K7QM-3XWD-9RTA»); `expires_on`: the last day it is valid (Moscow date)."""

    name: str
    subtitle: str
    login: str
    code: str
    expires_on: dt.date

    @property
    def valid_until(self) -> str:
        """`expires_on` as the slip prints it: «18.11.2012»."""
        return format_date(self.expires_on)


def expires_on(expires_at: dt.datetime) -> dt.date:
    """The date printed as «действует до» for a code valid until `expires_at` (naive UTC)."""
    return local_date(expires_at)
