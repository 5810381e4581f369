"""Machine translation core: segmentation, numbers, backends and the translation pipeline."""

__version__ = "0.1.0"
