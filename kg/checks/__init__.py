"""Checks: the meaning of the loaded model (ids, vocabulary, domains and ranges, dates, quotes, coverage)."""
