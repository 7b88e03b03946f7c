"""`kubectl_complete-fed`: the executable kubectl (>= 1.26) runs to complete `kubectl fed …`.

kubectl runs it with the words typed after `kubectl fed`, the last being the word under
the cursor (empty after a space), and expects the candidates one per line
(`value<TAB>description`), then cobra's directive line `:N`. The scripts printed by
`kubectl fed completion SHELL` call it the same way for `kubectl-fed` itself.
"""

from __future__ import annotations

import os
import sys
import traceback

from kubectl_fed.core.completion import FAILED, Completions

DEBUG_ENV = "KUBECTL_FED_DEBUG"


def completions_for(words: list[str]) -> Completions:
    """The completions for `words`; any failure is cobra's error directive, never a traceback."""
    from kubectl_fed.completion.engine import complete
    from kubectl_fed.completion.sources import Sources

    try:
        return complete(words, Sources())
    except Exception:
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            traceback.print_exc()
        return FAILED


def main() -> None:
    """Print the candidates for the words in argv, then the directive line."""
    try:
        completions = completions_for(sys.argv[1:])
    except KeyboardInterrupt:
        completions = FAILED
    sys.stdout.write("".join(f"{line}\n" for line in completions.lines()))
    sys.stdout.flush()
