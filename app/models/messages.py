"""Messages between families and the school: threads about one child, and announcements.

A thread about a child (`pupil_id` set) is between the child's guardians (all of them), the pupil
when the writer included them, one member of staff (`staff_id`: the teacher the family writes to or
who wrote to the family), the class teacher and the school administration. An announcement
(`pupil_id` NULL) goes to a class (`class_group_id`) or to the whole school's families (both NULL).
Messages are kept as sent: never edited; the administration may hide one, which records who, when
and why. Files are kept in the database (`data`), loaded only when asked for."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

MAX_SUBJECT = 200
MAX_BODY = 5000


class MessageThread(Model):
    __tablename__ = "message_thread"
    __table_args__ = (
        CheckConstraint("pupil_id IS NULL OR class_group_id IS NULL", name="ck_message_thread_target"),
        Index("ix_message_thread_school_last", "school_id", "last_message_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), nullable=False)
    pupil_id: Mapped[Optional[int]] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), index=True)
    class_group_id: Mapped[Optional[int]] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    include_pupil: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    subject: Mapped[str] = mapped_column(String(MAX_SUBJECT), nullable=False)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    last_message_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)

    pupil = relationship("Pupil")
    class_group = relationship("ClassGroup")
    staff = relationship("Staff")
    messages: Mapped[list["Message"]] = relationship(back_populates="thread", order_by="Message.id",
                                                     cascade="all, delete-orphan")

    @property
    def is_announcement(self) -> bool:
        return self.pupil_id is None


class Message(Model):
    __tablename__ = "message"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    # The author as named when sending («Иванова И.И., учитель»): kept if the account goes.
    author_name: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, index=True)
    hidden_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    hidden_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[Optional[str]] = mapped_column(String(500))

    thread: Mapped[MessageThread] = relationship(back_populates="messages")
    hidden_by = relationship("User", foreign_keys=[hidden_by_id])
    attachments: Mapped[list["MessageAttachment"]] = relationship(back_populates="message",
                                                                  order_by="MessageAttachment.id",
                                                                  cascade="all, delete-orphan")


class MessageAttachment(Model):
    __tablename__ = "message_attachment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), nullable=False, index=True)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    size_bytes: Mapped[int] = column_property(func.length(data, type_=Integer))

    message: Mapped[Message] = relationship(back_populates="attachments")


class MessageRead(Model):
    """Up to which message a user has read a thread: the unread count is of later messages by others."""

    __tablename__ = "message_read"
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True, index=True)
    last_read_id: Mapped[int] = mapped_column(Integer, nullable=False)
