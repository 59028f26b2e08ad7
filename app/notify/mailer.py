"""Sending through the school network's SMTP relay (settings from the configuration)."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

from app.i18n import _


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    use_tls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "dnevnik@localhost"
    sender_name: str | None = None  # None: «Электронный дневник», translated when a message is built
    timeout: float = 20.0


class Mailer:
    """One SMTP connection for a batch of messages."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self):
        s = self.settings
        self.smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.use_tls:
            self.smtp.starttls()
        if s.username:
            self.smtp.login(s.username, s.password or "")
        return self

    def __exit__(self, *exc):
        try:
            if self.smtp is not None:
                self.smtp.quit()
        except smtplib.SMTPException:
            pass

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = formataddr((self.settings.sender_name or _("Электронный дневник"), self.settings.sender))
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        self.smtp.send_message(message)
