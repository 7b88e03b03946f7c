"""Pure logic, no I/O: imports neither kubernetes, google.cloud nor click."""
