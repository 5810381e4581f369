"""A backend from outside koen, registered by importing this module (``KOEN_BACKENDS=
batch_sensitive_backend``): each output carries a tag of the whole batch it was decoded in, so any
change in which inputs share a batch changes the bytes. A real model's floats can depend on its
batch the same way, only rarely visibly; this one always shows it."""

from __future__ import annotations

import hashlib

from mt.backends import GenerationOptions, register_backend
from mt.backends.checkpoint import decoder_batches
from mt.backends.romanize import romanize

NAME = "batch-sensitive"


def batch_tag(texts) -> str:
    digest = hashlib.sha256("\0".join(sorted(texts)).encode("utf-8")).hexdigest()[:6]
    return "".join(chr(ord("a") + int(char, 16)) for char in digest)      # letters: no digits to check


@register_backend(NAME, help="tests: output tagged with its batch")
class BatchSensitiveBackend:
    name = NAME
    max_input_tokens = 200

    def __init__(self, options: GenerationOptions = GenerationOptions(), **_ignored):
        self.options = options

    def count_tokens(self, texts):
        return [len(text) // 2 + 2 for text in texts]

    def translate(self, texts):
        texts = list(texts)
        outputs = [""] * len(texts)
        for batch in decoder_batches(self.count_tokens(texts), self.options):
            tag = batch_tag(texts[i] for i in batch)
            for i in batch:
                outputs[i] = f"{romanize(texts[i])} {tag}"
        return outputs

    def provenance(self):
        return {"backend": self.name, "model": NAME, "revision": "1"}
