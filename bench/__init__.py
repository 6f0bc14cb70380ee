"""Benchmark: the six example queries under load, against Masthead and two baselines."""
