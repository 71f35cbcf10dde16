"""Offset pagination in the documented ``{"pagination": {limit, offset, total}}`` shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    """A window over a result set."""

    limit: int = 10
    offset: int = 0

    def as_dict(self, total: int) -> dict[str, Any]:
        """Render the pagination block."""
        return {"limit": self.limit, "offset": self.offset, "total": total}
