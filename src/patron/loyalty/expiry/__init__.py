"""Loyalty: expiry."""
