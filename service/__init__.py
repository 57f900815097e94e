"""Multi-article news summarization service."""
