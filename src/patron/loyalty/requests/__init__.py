"""Loyalty: requests."""
