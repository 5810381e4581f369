"""The archive job: resumable batch translation of whole archives (local or Ray engine), and the
review loop over its output. What an output folder holds is named here once."""

RECORDS_FILE = "records.jsonl"
SUMMARY_FILE = "summary.json"
RENDERED_DIR = "rendered"
MEMORY_FILE = "translation-memory.sqlite"
