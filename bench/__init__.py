"""Benchmarks (`make bench`): ratios and counts measured side by side in one run, never timed tests."""
