"""raw/ -> processed/: the input kinds (interviews, CBS table, StatLine, pilots), classification, validation, the pipeline."""
