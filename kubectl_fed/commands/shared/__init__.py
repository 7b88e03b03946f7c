"""What several verbs share: reading -f, the -f/--dry-run flags and outcome lines, -o formats,
the targets of delete/unfederate, and the note for kinds that are not federated.
"""
