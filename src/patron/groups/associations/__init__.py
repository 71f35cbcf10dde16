"""Associating customers with a hierarchy: ``/v2/customers/bulk`` and ``/v2/bulk``."""
