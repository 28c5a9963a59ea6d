"""Per-document logic: language ID, normalization, quality rules and dedup primitives (no Beam here)."""
