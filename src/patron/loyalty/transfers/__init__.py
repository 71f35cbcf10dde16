"""Loyalty: transfers."""
