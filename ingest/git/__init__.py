"""Ingest layer: git history from a local clone, commit-to-PR ties and SZZ inference."""
