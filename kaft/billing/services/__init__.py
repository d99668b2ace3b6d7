"""Writes of billing (one module per subject)."""
