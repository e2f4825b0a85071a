"""The commission and tax engine: pure computation on data, no framework and no I/O."""
