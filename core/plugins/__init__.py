"""The plugin platform: hook specifications, value types and the host."""
