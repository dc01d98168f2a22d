"""smtools: make JavaScript crash reports readable again."""

__version__ = "0.1.0"
