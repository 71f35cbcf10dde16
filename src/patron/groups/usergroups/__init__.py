"""User groups through the API: ``/v2/userGroup2``."""
