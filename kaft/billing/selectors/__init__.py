"""Reads of billing (one module per subject)."""
