"""Loyalty: redemptions."""
