"""The event payload samples of the seed documents (copied to tests/fixtures), defects fixed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Copies of the seed event documents (002 and 001), kept with the tests so a clone is enough.
SEEDS = Path(__file__).parents[1] / "fixtures" / "seeds"
CUSTOMER_AND_GROUP_DOC = SEEDS / "events_customers_groups.md"
PARTNER_DOC = SEEDS / "events_partner_programs.txt"

# Kinds of sample: an enriched payload, a raw payload, the flat enriched-like payloads of
# partnerProgramUpdated and the reminder, the PII-deletion enriched customerUpdated, and the
# customerUpdated "enriched" sample that is a raw payload wrapped in {data, errors, warnings}.
ENRICHED = "enriched"
RAW = "raw"
FLAT = "flat"
PII_ENRICHED = "pii-enriched"
WRAPPED_RAW = "wrapped-raw"

_EVENT_HEADING = re.compile(r"\((\w+)\)\s*$")


@dataclass(frozen=True)
class Sample:
    """One payload sample of one event."""

    event: str
    kind: str
    payload: dict[str, Any]


_IDENTIFIER_STUB = {"identifierType": "", "identifierValue": ""}


def clean(value: Any) -> Any:
    """Fix the samples' defects: strip stray spaces around keys, fill empty identifier stubs."""
    if isinstance(value, dict):
        fixed = {key.strip(): clean(item) for key, item in value.items()}
        if isinstance(fixed.get("identifiers"), list) and "accountId" in fixed:
            fixed["identifiers"] = [item or dict(_IDENTIFIER_STUB) for item in fixed["identifiers"]]
        return fixed
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value


def _markdown_samples(text: str) -> list[Sample]:
    samples: list[Sample] = []
    event = ""
    is_pii = False
    block: list[str] | None = None
    label = ""
    for line in text.splitlines():
        if block is not None:
            if line.startswith("```"):
                payload = clean(json.loads("\n".join(block)))
                samples.append(Sample(event, _markdown_kind(label, payload, is_pii), payload))
                block = None
            else:
                block.append(line)
        elif line.startswith("## "):
            match = _EVENT_HEADING.search(line)
            event = match.group(1) if match else ""
            is_pii = False
        elif line.startswith("### ") and "PII" in line:
            is_pii = True
        elif line.startswith("```json"):
            block, label = [], line
    return samples


def _markdown_kind(label: str, payload: dict[str, Any], is_pii: bool) -> str:
    if "Raw" in label:
        return RAW
    if is_pii:
        return PII_ENRICHED
    return WRAPPED_RAW if set(payload) == {"data", "errors", "warnings"} else ENRICHED


def _plain_samples(text: str) -> list[Sample]:
    samples: list[Sample] = []
    decoder = json.JSONDecoder()
    event = ""
    position = 0
    while position < len(text):
        if text[position] == "{":
            payload, end = decoder.raw_decode(text, position)
            payload = clean(payload)
            samples.append(Sample(event, _plain_kind(payload), payload))
            position = end
            continue
        end = text.find("\n", position)
        end = len(text) if end < 0 else end + 1
        match = _EVENT_HEADING.search(text[position:end].strip())
        if match:
            event = match.group(1)
        position = end
    return samples


def _plain_kind(payload: dict[str, Any]) -> str:
    if "attributes" in payload:
        return ENRICHED
    return RAW if "eventLogId" in payload else FLAT


def load_samples() -> list[Sample]:
    """Return every event payload sample of the two event documents."""
    return _markdown_samples(CUSTOMER_AND_GROUP_DOC.read_text(encoding="utf-8")) + _plain_samples(
        PARTNER_DOC.read_text(encoding="utf-8")
    )


def sample(event: str, kind: str) -> dict[str, Any]:
    """Return the one sample of ``event`` of ``kind``."""
    found = [s.payload for s in load_samples() if s.event == event and s.kind == kind]
    assert len(found) == 1, f"expected one {kind} sample of {event}, found {len(found)}"
    return found[0]


def key_structure(value: Any) -> Any:
    """Return the recursive key structure of ``value``; a list is represented by its first item."""
    if isinstance(value, dict):
        return {key: key_structure(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [key_structure(value[0])] if value else []
    return None


def raw_to_enriched_structure(structure: Any) -> Any:
    """Apply the enriched format's reductions to a raw key structure.

    ``customerIdentifiers`` lose ``firstName``/``lastName``/``loyaltyType``, the instore block
    loses its profile ``id`` and ``enteredBy`` loses its ``user``.
    """
    if isinstance(structure, list):
        return [raw_to_enriched_structure(item) for item in structure]
    if not isinstance(structure, dict):
        return structure
    out = {key: raw_to_enriched_structure(item) for key, item in structure.items()}
    if "customerId" in out:
        for key in ("firstName", "lastName", "loyaltyType"):
            out.pop(key, None)
        if isinstance(out.get("instore"), dict):
            out["instore"].pop("id", None)
    if "till" in out and "store" in out:
        out.pop("user", None)
    return out
