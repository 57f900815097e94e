"""Beyond one machine, on Ray (the `ray` extra): the service as Ray Serve replicas (`serve.py`,
`serve.yaml`) and batch summarization of a JSONL file through a Ray Data actor pool (`batch.py`).

`rows.py` (the batch job's files), `worker.py` (what one pool actor does) and `edge.py` (what the
app needs behind Serve's proxy) import nothing of Ray; `serve.py` and `batch.py` do.
"""
