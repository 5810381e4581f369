"""Term candidates mined from an archive: Korean noun phrases the glossary does not cover yet.

The steps, one module each:

1. ``documents``: the archive as documents with an id (``file:line`` of the title), a date and
   text units (title, body), read by ``mt.archive``'s readers (the press-release listing, JSONL,
   a folder of .txt/.md files, HF datasets).
2. ``phrases``: Kiwi analyses each unit. A *word* is a stretch between spaces and punctuation (a
   hyphen between letters stays inside: K-드론). A word takes part in a phrase when it is nouns
   (NNG, NNP, SL) followed by nothing, or only by particles or the copula (the particle is cut off:
   데이터허브에 → 데이터허브, and the phrase ends there). Words joined only by spaces form a run;
   every contiguous stretch of up to ``MAX_WORDS`` words of a run is a phrase occurrence.
   Latin-only words count only as acronyms (AI 기반 서비스) and never start or end a phrase
   unless they are one.
3. ``candidates``: occurrences are grouped by their spacing-free key (스마트 도시 = 스마트도시); a
   phrase that always has the same neighbour word is only part of a longer one and is dropped;
   single common nouns (결과, 지역) are dropped; what the glossary already covers (any status, so
   rejected candidates do not come back) is dropped, matched by ``glossary.match`` so particles,
   spacing and aliases make no duplicates. The rest is ranked by
   ``score = count * (1 + log2(documents))``: frequent, and spread over documents.
4. ``suggestions``: English, best source first: a gloss the archive gives in parentheses
   (도심항공교통(UAM)), the translation memory (``mt.memory``, each entry with the model that made
   it), the model's translation of the term alone (a backend, only when asked), and last a
   romanized placeholder so that the row is valid; each says where it comes from.
5. ``candidates_to_text``: ``status=candidate`` rows in the glossary's own TSV format.
"""

from .candidates import Candidate, Context, candidates_to_text, mine
from .documents import Document, TextUnit, read_documents
from .phrases import Occurrence, guess_kind, noun_phrases
from .suggestions import MemorySuggestions, Suggestion, archive_glosses

__all__ = ["Candidate", "Context", "Document", "MemorySuggestions", "Occurrence", "Suggestion", "TextUnit",
           "archive_glosses", "candidates_to_text", "guess_kind", "mine", "noun_phrases", "read_documents"]
