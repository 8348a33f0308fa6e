"""Loaders: bring OpenAlex data (live API pages, snapshot files) into the project, and the
curated reference data beside it (watchlist, Dutch institutions, technology areas)."""
