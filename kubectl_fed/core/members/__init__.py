"""The members: which ones a command talks to, the Protocols that reach one, the fan-out and its
per-member results.
"""
