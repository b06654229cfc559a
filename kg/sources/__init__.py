"""Sources: reading YAML and article texts safely, within bounds, into model records (the first stage)."""
