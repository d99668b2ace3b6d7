"""The desk door: staff screens. Access is decided in ``kaft.desk.access`` only."""
