"""Evaluation harness: ROUGE against references, beside baselines and published systems.

`python -m eval run` (`__main__`) loads a dataset (`data`), has the system under test summarise it
(`systems`: an engine in-process or a running service), computes baselines (`baselines`), scores
every summary as it comes (`rouge`) with key-fact checks (`facts`), writes the rows (`rows`), then
aggregates them (`aggregate`, `stats`) into results.json and report.md (`report`), with provenance
(`provenance`). `run` ties these together.

`rouge` is the measuring tool and imports nothing of the service or of the rest of the harness;
`systems` is the only module that imports the service.
"""
