"""The demo library: see :mod:`kaft.demo.load`."""
