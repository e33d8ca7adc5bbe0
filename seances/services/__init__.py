"""Writes of the séances app."""
