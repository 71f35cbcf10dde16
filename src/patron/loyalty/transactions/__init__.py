"""Loyalty: transactions."""
