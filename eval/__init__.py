"""Evaluation harness: ROUGE against references, beside baselines and published systems.

Not built yet; see the project's issue "The evaluation harness".
"""
