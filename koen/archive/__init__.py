"""The archive job: resumable batch translation of whole archives (local or Ray engine)."""
