"""`kubectl fed get`: the command and its --summary view."""
