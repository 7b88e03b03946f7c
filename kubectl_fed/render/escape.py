"""Text that came from a member or a file, made safe to print on a terminal."""

from __future__ import annotations


def escape(text: str) -> str:
    """Control characters (newlines, ESC, BEL, ...) shown as escapes, as kubectl does."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escaped(char) for char in text)


def _escaped(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if char == "\r":
        return "\\r"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
