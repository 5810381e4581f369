"""Batch translation of whole archives: readers (one module per input format behind one
protocol), a SQLite translation memory, and a resumable job that writes JSONL and rendered text."""
