"""The MkDocs plugin's entry point, `journeymap.plugin:JourneymapPlugin`: the plugin itself
lives in `journeymap.host.plugin`."""

from .host.plugin import JourneymapPlugin

__all__ = ["JourneymapPlugin"]
