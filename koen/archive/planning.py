"""What the Ray driver knows about the model without loading it: tokenizer, input limit, batching,
provenance; and the two stand-in backends that let the unchanged pipeline run on the driver.

The driver must form exactly the batches the local engine would (float results can depend on
which inputs share a batch), so :func:`batches_for` applies the model backends' own
``length_sorted_batches`` to the same token counts. A batch shipped whole and translated by a
worker's real backend stays the same batch: it is already in length order, and the backends'
batching of it returns it unchanged (a merged short remainder merges again).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from mt.backends import GenerationOptions, load_backend
from mt.backends.base import Scored
from mt.backends.checkpoint import (
    count_tokens,
    family_for,
    fingerprint,
    length_sorted_batches,
    load_pretrained,
    load_tokenizer,
    model_input_limit,
    read_meta,
    resolve_checkpoint,
)
from mt.errors import KoenError
from mt.memory import normalise

from ..compose import generation_options

MODEL_BACKENDS = {"transformers": "transformers", "hf": "transformers", "ctranslate2": "ctranslate2",
                  "ct2": "ctranslate2"}
EXACT_BACKENDS = {"romanize"}           # per-text results: any split of a call gives the same outputs
Batch = tuple[str, ...]


def backend_name(name: str) -> str:
    if name in MODEL_BACKENDS:
        return MODEL_BACKENDS[name]
    if name in EXACT_BACKENDS:
        return name
    raise KoenError(f"--backend {name}: --engine ray runs transformers, ctranslate2 or romanize")


def worker_device(device: str, gpus_per_worker: float) -> str:
    """The device every worker uses, decided on the driver so its provenance is known up front."""
    if device == "auto":
        return "cuda" if gpus_per_worker > 0 else "cpu"
    if device == "cuda" and gpus_per_worker <= 0:
        raise KoenError("--device cuda with --engine ray needs --gpus-per-worker (e.g. 1)")
    return device


class PlanningBackend:
    """Tokenizer, limit and provenance of a model backend, without its weights. Never translates."""

    def __init__(self, name: str, tokenizer, max_input_tokens: int, options: GenerationOptions, provenance: dict):
        self.name = name
        self.tokenizer = tokenizer
        self.max_input_tokens = max_input_tokens
        self.options = options
        self._provenance = provenance

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return count_tokens(self.tokenizer, texts)

    def translate(self, texts: Sequence[str]) -> list[str]:
        raise RuntimeError("the Ray driver holds no model; translations come from the workers")

    def provenance(self) -> dict:
        return dict(self._provenance)


def planning_backend(options: dict, device: str):
    """The driver's stand-in for ``load_backend(options['backend'], ...)`` with the same provenance."""
    name = backend_name(options["backend"])
    generation = generation_options(**options)
    if name in EXACT_BACKENDS:
        return load_backend(name)
    model = options["model"]
    checkpoint = resolve_checkpoint(model)
    tokenizer = load_tokenizer(checkpoint)
    if name == "transformers":
        from transformers import AutoConfig   # late, as in mt/backends: it loads torch

        config = load_pretrained(AutoConfig, checkpoint)
        family = family_for(config.model_type, tokenizer, model)
        dtypes = {"auto": "float16" if device == "cuda" else "float32", "float32": "float32", "float16": "float16",
                  "bfloat16": "bfloat16"}
        if options["dtype"] not in dtypes:
            raise KoenError(f"--dtype {options['dtype']}: expected one of {', '.join(dtypes)}")
        limit = model_input_limit(tokenizer, getattr(config, "max_position_embeddings", None))
        provenance = {"backend": name, "model": checkpoint.source,
                      "revision": fingerprint(checkpoint, getattr(config, "_commit_hash", None)),
                      "family": family.name, "device": device, "dtype": dtypes[options["dtype"]],
                      "beam_size": generation.beam_size}
    else:
        meta = read_meta(checkpoint)
        if meta is None or not (Path(checkpoint.location) / "model.bin").exists():
            raise KoenError(f"{model}: not a CTranslate2 model directory made by koen; "
                            f"create one with `koen model convert {model} OUTDIR`")
        family = family_for(meta["model_type"], tokenizer, model)
        limit = int(meta["max_input_tokens"])
        provenance = {"backend": name, "model": checkpoint.source, "revision": meta.get("revision"),
                      "source_model": meta.get("source_model"), "family": family.name, "device": device,
                      "compute_type": options["compute_type"], "quantization": meta.get("quantization"),
                      "beam_size": generation.beam_size}
    return PlanningBackend(name, tokenizer, limit, generation, provenance)


def batches_for(backend, texts: Sequence[str]) -> list[Batch]:
    """The batches the local engine's ``backend.translate(texts)`` decodes, each as its inputs in order."""
    if backend.name in EXACT_BACKENDS:
        size = 32
        return [tuple(texts[i:i + size]) for i in range(0, len(texts), size)]
    lengths = backend.count_tokens(texts)
    return [tuple(texts[i] for i in batch) for batch in length_sorted_batches(lengths, backend.options.batch_size)]


class MissingBatch(Exception):
    """A chunk needs a batch no worker has translated yet."""


class ServedBackend:
    """Serves the pipeline's model calls from batches the workers translated (outputs with their
    confidence, as the local backend's ``translate_scored`` gives them).

    With ``wanted`` given (planning), an unknown batch is recorded there and answered with a
    placeholder (the pass then only collects what to ship); without it, an unknown batch raises
    :class:`MissingBatch` (a commit must use real outputs only).
    """

    def __init__(self, planner, results: dict[Batch, list[Scored]], wanted: dict[Batch, None] | None = None):
        self.planner = planner
        self.name = planner.name
        self.max_input_tokens = planner.max_input_tokens
        self.options = getattr(planner, "options", None)
        self.results = results
        self.wanted = wanted
        self.asked: set[Batch] = set()        # unknown batches this backend met
        self.segments = 0                      # model inputs it served for real

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.planner.count_tokens(texts)

    def provenance(self) -> dict:
        return self.planner.provenance()

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [scored.text for scored in self.translate_scored(texts)]

    def translate_scored(self, texts: Sequence[str]) -> list[Scored]:
        outputs: list[tuple[str, Scored]] = []
        for batch in batches_for(self.planner, list(texts)):
            found = self.results.get(batch)
            if found is None:
                if self.wanted is None:
                    raise MissingBatch(batch[0][:40])
                self.wanted.setdefault(batch, None)
                self.asked.add(batch)
                found = [Scored(text) for text in batch]
            else:
                self.segments += len(batch)
            outputs.extend(zip(batch, found))
        by_text = dict(outputs)
        return [by_text[text] for text in texts]


class OverlayMemory:
    """The job's memory as it would be after the chunks planned so far: reads fall through to the
    real memory, writes stay here. Keys are normalised exactly as the real memory does."""

    def __init__(self, bound):
        self.bound = bound
        self.added: dict[str, tuple[str, float | None]] = {}

    def get_many(self, texts) -> dict[str, str]:
        return {text: translation for text, (translation, _) in self.get_scored(texts).items()}

    def get_scored(self, texts) -> dict[str, tuple[str, float | None]]:
        texts = list(texts)
        found = {text: self.added[normalise(text)] for text in texts if normalise(text) in self.added}
        hits, misses = self.bound.hits, self.bound.misses
        found.update(self.bound.get_scored([text for text in texts if text not in found]))
        self.bound.hits, self.bound.misses = hits, misses          # planning is no lookup of the run's
        return found

    def put_many(self, mapping: dict[str, str], confidences: dict[str, float | None] | None = None) -> None:
        for source, target in mapping.items():
            self.added.setdefault(normalise(source), (target, (confidences or {}).get(source)))
