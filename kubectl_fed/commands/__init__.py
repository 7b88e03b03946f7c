"""One thin module per verb: parse flags, call core, render, return an exit status."""
