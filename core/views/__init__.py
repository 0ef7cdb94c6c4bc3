"""The core's blueprints; the default plugin (``core.defaults``) declares them."""
