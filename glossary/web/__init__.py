"""The editors' workbench: `koen glossary serve`, a local web page over the glossary TSV."""
