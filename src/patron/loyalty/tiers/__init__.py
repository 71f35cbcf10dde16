"""Loyalty: tiers."""
