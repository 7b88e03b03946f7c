"""Strings from members and files, made safe to print on a terminal.

A member (or a file) may send names and messages holding escape sequences (colours, a
window title, erasing the screen), newlines that forge a line blamed on another member,
or lone surrogates that no terminal encoding can write. `escaped` shows each such
character as a Python-style escape (`\\x1b`, `\\n`, `\\ud800`), as kubectl escapes
terminal output; everything printable, non-ASCII letters included, is kept.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, lone surrogates, and the bidirectional overrides that reorder
# what a terminal shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def escaped(text: str) -> str:
    return _UNSAFE.sub(_escape, text)


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    code = ord(character)
    short = _SHORT.get(character)
    if short:
        return short
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
