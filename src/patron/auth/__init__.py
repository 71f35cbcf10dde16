"""Authentication: HTTP Basic with till credentials and OAuth bearer tokens."""
