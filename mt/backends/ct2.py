"""CTranslate2 backend (the fast path) and the converter that makes its model directories.

A converted directory holds CTranslate2's model.bin, the source checkpoint's tokenizer files and
``koen.json`` (source model: hub id and revision, or absolute directory and config.json sha256; family,
tokenizer class, input limit), so it loads offline
and behaves exactly like the transformers backend: same tokenizer, same banned tokens, same limits.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Sequence

from .base import GenerationOptions, Scored, confidence, register_backend
from .checkpoint import (
    KOEN_META,
    Checkpoint,
    cpu_threads,
    count_tokens,
    decode,
    family_for,
    fingerprint,
    forbidden_target_tokens,
    hub_files_available,
    decoder_batches,
    load_pretrained,
    load_tokenizer,
    model_input_limit,
    offline_hint,
    read_meta,
    resolve_checkpoint,
    resolve_device,
    source_identity,
)
from ..errors import KoenError
from .. import __version__

CPU_QUANTIZATIONS = ("int8", "int8_float32", "float32", "int16")
GPU_QUANTIZATIONS = ("float16", "int8_float16", "bfloat16", "int8_bfloat16", "int8")
# `koen model convert MODEL OUTDIR` takes the model as an argument, not --model.
CONVERT_REMEDY = "give a local checkpoint directory instead (koen model convert DIR OUTDIR)"


def _ct2_device(device: str) -> str:
    import ctranslate2

    return resolve_device(device, ctranslate2.get_cuda_device_count() > 0, "CTranslate2")


@register_backend("ctranslate2", help="CTranslate2 (int8 on CPU, float16 on GPU); see `koen model convert`", aliases=("ct2",))
class CTranslate2Backend:
    name = "ctranslate2"

    def __init__(self, model: str, device: str = "auto", compute_type: str = "default",
                 options: GenerationOptions = GenerationOptions(), threads: int = 0, **_ignored):
        import ctranslate2   # late: heavy optional dependency, loaded with the backend

        self.options = options
        self.checkpoint = resolve_checkpoint(model)
        meta = read_meta(self.checkpoint)
        if meta is None or not (Path(self.checkpoint.location) / "model.bin").exists():
            raise KoenError(f"{model}: not a CTranslate2 model directory made by koen; "
                            f"create one with `koen model convert {model} OUTDIR`")
        self.meta = meta
        self.device = _ct2_device(device)
        self.compute_type = compute_type
        try:
            self.translator = ctranslate2.Translator(self.checkpoint.location, device=self.device,
                                                     compute_type=compute_type, inter_threads=1,
                                                     intra_threads=(threads or cpu_threads()) if self.device == "cpu" else 0)
        except (RuntimeError, ValueError) as exc:
            raise KoenError(f"{model}: CTranslate2 cannot load this model ({exc})") from None
        self.tokenizer = load_tokenizer(self.checkpoint)
        self.family = family_for(meta["model_type"], self.tokenizer, model)
        self.max_input_tokens = int(meta["max_input_tokens"])
        self._prefix = self.family.target_prefix(self.tokenizer)
        self._suppress = [[token] for token in self.tokenizer.convert_ids_to_tokens(forbidden_target_tokens(self.tokenizer, self.family))]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return count_tokens(self.tokenizer, texts)

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [scored.text for scored in self.translate_scored(texts)]

    def translate_scored(self, texts: Sequence[str]) -> list[Scored]:
        """With ``return_scores`` and the default ``length_penalty=1``, CTranslate2's score is the
        sum of the generated tokens' log-probabilities (end token included; banned tokens removed
        from the distribution) divided by their number: already the per-token mean that the
        transformers backend computes (checked against ``score_batch`` in docs/review.md)."""
        return self.submit_scored(texts)()

    def submit_scored(self, texts: Sequence[str]) -> Callable[[], list[Scored]]:
        """Hand ``texts`` to CTranslate2 now (``translate_batch(asynchronous=True)``) and return
        what waits for their outputs: the device decodes while the caller prepares the next batch
        (the archive job's decoder thread keeps two batches in flight)."""
        texts = list(texts)
        ids = self.tokenizer(texts, add_special_tokens=True)["input_ids"]
        tokens = [self.tokenizer.convert_ids_to_tokens(row) for row in ids]
        started = []
        for batch in decoder_batches([len(row) for row in ids], self.options):
            longest = max(len(ids[i]) for i in batch)
            if longest > self.max_input_tokens + 2:
                raise ValueError(f"input of {longest} tokens exceeds the model limit; split it before translating")
            fixed = self.options.fixed_output_tokens
            budget = self.options.output_budget(longest, self.max_input_tokens)
            started.append((batch, self.translator.translate_batch(
                [tokens[i] for i in batch],
                beam_size=self.options.beam_size,
                max_decoding_length=budget + len(self._prefix),
                min_decoding_length=(fixed + len(self._prefix)) if fixed else 0,
                target_prefix=[self._prefix] * len(batch) if self._prefix else None,
                suppress_sequences=self._suppress,
                return_scores=True,
                asynchronous=True,
            )))

        def collect() -> list[Scored]:
            outputs: list[Scored] = [Scored("")] * len(texts)
            for batch, results in started:
                for index, pending in zip(batch, results):
                    result = pending.result()
                    hypothesis = self.tokenizer.convert_tokens_to_ids(result.hypotheses[0])
                    outputs[index] = Scored(decode(self.tokenizer, self.family, hypothesis), confidence(result.scores[0]))
            return outputs

        return collect

    def provenance(self) -> dict:
        return {"backend": self.name, "model": self.checkpoint.source, "revision": self.meta.get("revision"),
                "source_model": self.meta.get("source_model"), "family": self.family.name,
                "device": self.device, "compute_type": self.compute_type,
                "quantization": self.meta.get("quantization"), "beam_size": self.options.beam_size}


def convert_checkpoint(model: str, output_dir: str | Path, quantization: str = "int8", force: bool = False,
                       remedy: str = CONVERT_REMEDY) -> Path:
    """Convert a transformers checkpoint (hub id or directory) into a CTranslate2 directory for koen.

    ``remedy`` is the offline advice in the words of the calling command (default: `koen model convert`'s)."""
    from transformers import AutoConfig   # late: transformers loads torch


    valid = sorted(set(CPU_QUANTIZATIONS + GPU_QUANTIZATIONS))
    if quantization not in valid:
        raise KoenError(f"--quantization {quantization}: expected one of {', '.join(valid)}")
    output = Path(output_dir)
    if output.exists() and not output.is_dir():
        raise KoenError(f"{output}: is a file; the CTranslate2 model needs a directory")
    if output.exists() and any(output.iterdir()) and not force:
        raise KoenError(f"{output}: exists and is not empty (use --force to replace it)")
    checkpoint: Checkpoint = resolve_checkpoint(model)
    if not checkpoint.local:
        cached, reachable = hub_files_available(checkpoint.location)
        if not cached and not reachable:
            raise KoenError(offline_hint(checkpoint.location, remedy))
    config = load_pretrained(AutoConfig, checkpoint, remedy)
    tokenizer = load_tokenizer(checkpoint, remedy)
    family = family_for(config.model_type, tokenizer, model)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        _Converter(checkpoint.location).convert(str(staging), quantization=quantization, force=True)
        tokenizer.save_pretrained(str(staging / "tokenizer"))
        for path in (staging / "tokenizer").iterdir():
            if not (staging / path.name).exists():
                path.rename(staging / path.name)
        shutil.rmtree(staging / "tokenizer")
        meta = {
            **source_identity(checkpoint, getattr(config, "_commit_hash", None)),
            "revision": fingerprint(checkpoint, getattr(config, "_commit_hash", None)),
            "model_type": config.model_type,
            "family": family.name,
            "tokenizer_class": type(tokenizer).__name__,
            "max_input_tokens": model_input_limit(tokenizer, getattr(config, "max_position_embeddings", None)),
            "quantization": quantization,
            "koen_version": __version__,
        }
        (staging / KOEN_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        if output.exists():
            shutil.rmtree(output)
        staging.rename(output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return output


def _converter_class():
    from ctranslate2.converters import TransformersConverter   # late: conversion only

    class Converter(TransformersConverter):
        """transformers 5 tokenizers leave M2M100's language codes out of ``get_vocab``, which
        CTranslate2 reads to build the vocabulary; put them back in id order."""

        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            codes = getattr(tokenizer, "lang_code_to_token", None)
            return _WithLanguageCodes(tokenizer, list(codes.values())) if codes else tokenizer

    return Converter


def _Converter(location: str):
    return _converter_class()(location)


class _WithLanguageCodes:
    def __init__(self, tokenizer, codes: list[str]):
        self._tokenizer = tokenizer
        self._codes = codes

    def get_vocab(self) -> dict[str, int]:
        vocab = dict(self._tokenizer.get_vocab())
        for code in self._codes:
            vocab.setdefault(code, self._tokenizer.convert_tokens_to_ids(code))
        return vocab

    def __getattr__(self, name):
        return getattr(self._tokenizer, name)
