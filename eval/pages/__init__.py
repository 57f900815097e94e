"""`python -m eval pages`: what the service says about a raw web page, checked against the article.

Each page's HTML goes to the service as one article, over its HTTP API only; each summary sentence
and key fact is looked for in the page's ground-truth article body (or its headline) with the
checker's own tokenizer, sentence split and HTML reader. Layers: `data` (loading), `text` (reading
text and HTML), `score` (one sentence, one page, the aggregate), `run` (the run and its files),
`report` (the table). Shares no code with `service/`.
"""
