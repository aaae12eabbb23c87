"""Ingest: folder -> file -> decoded pixels -> tensor, and the indexer that drives it."""
