"""Benchmarks and the soak test: repo-only tools, run from the repository root as
`python -m benchmarks.<name>`; not part of the installed packages."""
