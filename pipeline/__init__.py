"""llama-data core: the Document record, recipe config, Parquet I/O, stage manifests and the CLI."""

__version__ = "0.1.0"
