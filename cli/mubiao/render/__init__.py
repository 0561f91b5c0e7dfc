"""Renderers: one per output format, each returning text; only commands write files."""
