"""No demo rows: the demo's SMS are the core's outbox messages, sent through this plugin
where it is on."""
