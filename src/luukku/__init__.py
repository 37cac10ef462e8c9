"""Luukku: one system for Finland's joint public customer service points."""

__version__ = "0.1.0"
