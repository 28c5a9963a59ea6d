"""Source readers: one module per raw source, turning its files into Documents, Skips and Rejects."""
