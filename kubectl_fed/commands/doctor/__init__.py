"""`kubectl fed doctor`: the command, its reads and its repairs."""
