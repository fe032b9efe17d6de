"""Benchmarks and the synthetic large-organization snapshot generator (see bench/README.md)."""
