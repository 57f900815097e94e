"""Key facts and conflicts: features, extractive selection, grounding, conflicts, and the shared step."""
