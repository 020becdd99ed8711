"""lks-audit: prove, once a year, that Little Kinvaston School lives by its Social Media Policy."""

__version__ = "0.1.0"
