"""Archive readers: one module per input format (listing, JSONL, folder, datasets) behind one
protocol; each scans and validates the whole input, then renders the translation in its own layout."""
