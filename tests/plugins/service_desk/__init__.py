"""Tests of the service desk plugin."""
