"""UI strings of Margo's voice (engine names in the voice menu; pages/_avatar.py; engineer #10v)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "voice.name.festival_slt": {"ru": "Festival, женский (английский)", "en": "Festival, female"},
}
