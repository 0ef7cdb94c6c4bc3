"""Tests of the community events plugin."""
