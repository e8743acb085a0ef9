"""Parole and tribunal work."""
