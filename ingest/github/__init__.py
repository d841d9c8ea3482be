"""Ingest layer: GitHub pull requests, reviews and bug issues into the store. Computes no metric."""
