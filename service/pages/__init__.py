"""Web pages: reading an article out of HTML, and fetching pages from links."""
