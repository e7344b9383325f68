"""journeymap: design and publish a client journey from files in git."""

__version__ = "0.1.0"
