"""Scenarios: one module per concrete market, the registry, the runner and the CLI."""
