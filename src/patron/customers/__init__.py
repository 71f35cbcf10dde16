"""Customers: profiles per source account, identifiers, channels, lookups and merges."""
