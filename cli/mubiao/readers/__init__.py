"""Readers: files in, domain objects (plans) or tidy tables (progress) out."""
