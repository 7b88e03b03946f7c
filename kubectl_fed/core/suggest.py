"""Close names for a mistyped one, as kubectl (cobra) suggests them."""

from __future__ import annotations

from collections.abc import Iterable

MAX_DISTANCE = 2  # cobra's SuggestionsMinimumDistance


def suggestions(typed: str, known: Iterable[str]) -> list[str]:
    """The known names within two edits of `typed`, or starting with it; in the given order."""
    word = typed.lower()
    return [
        name
        for name in dict.fromkeys(known)
        if distance(word, name.lower()) <= MAX_DISTANCE or name.lower().startswith(word)
    ]


def did_you_mean(typed: str, known: Iterable[str]) -> str:
    """kubectl's "Did you mean this?" block (empty when nothing is close)."""
    close = suggestions(typed, known)
    return "".join(["Did you mean this?\n", *(f"\t{name}\n" for name in close)]) if close else ""


def distance(a: str, b: str) -> int:
    """Levenshtein distance: the fewest single-character insertions, deletions, substitutions."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]
