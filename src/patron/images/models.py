"""Tables of the images domain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from patron.db import Base, BigId, UTCDateTime


class CustomerImage(Base):
    """The current profile image of a customer; its bytes live in the blob store.

    ``file_handle`` names the image across uploads; ``blob_key`` (the documented ``s3Token``)
    names the bytes of the current ``version``, new on every upload.
    """

    __tablename__ = "customer_images"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), unique=True
    )
    file_handle: Mapped[str] = mapped_column(String(36))
    blob_key: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
