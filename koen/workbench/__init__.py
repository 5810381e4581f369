"""The editors' workbench: a local web app over the glossary, the archive and the review queue."""
