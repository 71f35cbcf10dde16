"""Hierarchy definitions and companies through the API."""
