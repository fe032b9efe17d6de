"""Normalizers: raw snapshot pages to frozen, typed records (one module per service)."""
