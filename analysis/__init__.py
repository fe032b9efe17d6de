"""Offline analysis of a snapshot. Never imports Qt; never calls AWS."""
