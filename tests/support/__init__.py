"""Helpers shared by the tests and the benchmarks: project-written articles, tiny checkpoints,
tokenizer training, local server processes."""
