"""The feedback a person can give an item. Plain names, imported by the ranker and the front
ends alike (this module imports nothing)."""

LIKE, DISLIKE, HIDE = "like", "dislike", "hide"
FEEDBACK_STATES = (LIKE, DISLIKE, HIDE)
