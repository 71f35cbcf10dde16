"""Tables of the auth domain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from patron.db import Base, UTCDateTime


class OAuthToken(Base):
    """An issued access token; only its SHA-256 digest is stored."""

    __tablename__ = "oauth_tokens"

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id", ondelete="CASCADE"))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
