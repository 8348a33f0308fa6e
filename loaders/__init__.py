"""Loaders: bring OpenAlex data (live API pages, snapshot files) into the project."""
