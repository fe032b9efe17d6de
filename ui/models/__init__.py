"""Qt item models and proxies that adapt the pure analysis records."""
