"""What the tests and the benchmarks share: the dashboard's browser driver and plain reference
implementations that fast code is checked against."""
