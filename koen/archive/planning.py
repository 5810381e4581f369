"""What the Ray engine knows about the model without loading its weights: tokenizer, input limit,
batching options and provenance. The driver uses it for the provenance and memory identity; the
planning workers count tokens with it. The batches themselves are formed as the local engine
forms them (koen/archive/feed.py), so a batch a model worker decodes is the batch the local
engine would decode: already in length order, and the backends' batching of it returns it
unchanged (a merged short remainder merges again).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from mt.backends import GenerationOptions, load_backend
from mt.backends.checkpoint import (
    count_tokens,
    family_for,
    fingerprint,
    load_pretrained,
    load_tokenizer,
    model_input_limit,
    read_meta,
    resolve_checkpoint,
)
from mt.errors import KoenError

from ..compose import generation_options

MODEL_BACKENDS = {"transformers": "transformers", "hf": "transformers", "ctranslate2": "ctranslate2",
                  "ct2": "ctranslate2"}
EXACT_BACKENDS = {"romanize"}           # per-text results: any split of a call gives the same outputs


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
