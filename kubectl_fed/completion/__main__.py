"""`python -m kubectl_fed.completion WORD…`: the same as `kubectl_complete-fed WORD…`."""

from kubectl_fed.completion import main

main()
