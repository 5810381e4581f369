"""Glossary: termbase, Korean-aware matching, enforcement, lint and exchange formats."""
