"""Fake AWS services on loopback for what moto does not implement."""
