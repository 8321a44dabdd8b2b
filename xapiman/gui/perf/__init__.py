"""Performance graphs, the pool dashboard and load bars: the Qt side of the metrics client."""
