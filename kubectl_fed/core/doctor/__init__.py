"""`kubectl fed doctor`: every troubleshooting check, as pure functions from facts to checks.

`facts` holds what was read from the members; each module turns a group of those facts
into `Check` results (pass / warn / fail / skip, a one-line message, a concrete fix);
`checks.run_checks` runs them all; `repairs` plans the safe `--fix` repairs.
"""
