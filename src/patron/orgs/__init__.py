"""Orgs: tenants with their sources, stores, tills, API clients and field catalogues."""
