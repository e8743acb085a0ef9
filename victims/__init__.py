"""Victims, their addresses and cases."""
