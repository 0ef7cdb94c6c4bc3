"""The plugin has no form: its settings come from the configuration (settings.py)."""
