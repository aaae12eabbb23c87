"""Catalogs: bundle reading, schema checks, signatures, building and installing."""
