"""journeymap's version: part of every cache recipe, so a new version makes everything again."""

__version__ = "0.1.0"
