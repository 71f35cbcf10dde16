"""Benchmarks of patron, as ratios to what the machine can do in the same run."""
