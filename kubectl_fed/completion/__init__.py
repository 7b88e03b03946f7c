"""Entry point kubectl calls to complete plugin arguments (`kubectl_complete-fed`)."""

import sys

# Cobra's ShellCompDirectiveNoFileComp: candidates are complete, do not fall back to files.
NO_FILE_COMPLETION = 4


def main() -> None:
    """Print completion candidates, one per line, then cobra's directive line."""
    del sys.argv[1:]
    print(f":{NO_FILE_COMPLETION}")
