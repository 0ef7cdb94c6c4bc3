"""First-party plugins, one folder each."""
