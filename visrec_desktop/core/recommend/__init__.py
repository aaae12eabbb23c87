"""Recommend: the taste profile, the catalog index, ranking and explanations."""
