"""`newsdigest`: the summarizer on the command line (summarize files, serve, evaluate)."""
