"""Finding a checkpoint (hub id or local directory) and what every model backend shares:
tokenizer and family, length-sorted batching, and the target tokens that may never be generated."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import socket
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import urlparse

from ..errors import KoenError
from ..korean import HANGUL_RE
from .families import Family, detect_family

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-tc-big-ko-en"
_HUB_ID_RE = re.compile(r"[A-Za-z0-9][\w.\-]*/[\w.\-]+")
KOEN_META = "koen.json"


@dataclass(frozen=True)
class Checkpoint:
    source: str          # what the user passed
    location: str        # local directory or hub id
    local: bool


def resolve_checkpoint(model: str) -> Checkpoint:
    path = Path(model).expanduser()
    if path.exists():
        if not path.is_dir():
            raise KoenError(f"{model}: is a file; --model takes a checkpoint directory or a hub id")
        if not (path / "config.json").is_file():
            raise KoenError(f"{model}: not a model directory (no config.json in it)")
        return Checkpoint(model, str(path), True)
    if _HUB_ID_RE.fullmatch(model) and not model.startswith((".", "/", "~")):
        return Checkpoint(model, model, False)
    raise KoenError(f"{model}: no such model directory")


# How the model was given, for the offline advice: `koen translate` and `koen archive translate`
# take --model; `koen model convert` takes it as its first argument (CONVERT_REMEDY in ct2.py).
MODEL_OPTION_REMEDY = "pass --model DIR with a local checkpoint directory"


def offline_hint(model_id: str, remedy: str = MODEL_OPTION_REMEDY) -> str:
    """One sentence for a hub model that is neither cached nor downloadable; ``remedy`` names the
    flag or argument of the command at hand."""
    return (
        f"cannot load model {model_id!r}: it is not in the local Hugging Face cache and cannot be "
        f"downloaded from here (offline or hub unreachable); {remedy} "
        f"(e.g. one saved with save_pretrained on a connected machine)"
    )


def hub_files_available(model_id: str) -> tuple[bool, bool]:
    """(cached, reachable): whether the checkpoint is in the local cache, and whether the hub answers."""
    from huggingface_hub import constants, try_to_load_from_cache   # late: only hub ids need it

    cached = isinstance(try_to_load_from_cache(model_id, "config.json"), str)
    if constants.HF_HUB_OFFLINE:
        return cached, False
    return cached, _hub_reachable(constants.ENDPOINT)


@functools.lru_cache(maxsize=4)
def _hub_reachable(endpoint_url: str) -> bool:
    """One connection attempt per process: later loads (tokenizer, weights) reuse the answer."""
    endpoint = urlparse(endpoint_url)
    try:
        socket.create_connection((endpoint.hostname, endpoint.port or 443), timeout=5).close()
        return True
    except OSError:
        return False


def quiet_transformers() -> None:
    """No loading bars or advice on stderr: koen's own progress and messages are what users read."""
    from transformers.utils import logging   # late: transformers loads torch

    logging.set_verbosity_error()
    logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")


def load_pretrained(loader, checkpoint: Checkpoint, remedy: str = MODEL_OPTION_REMEDY, **kwargs):
    """``loader.from_pretrained`` that fails fast with one clear sentence when offline."""
    quiet_transformers()
    if checkpoint.local:
        try:
            return loader.from_pretrained(checkpoint.location, **kwargs)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KoenError(f"{checkpoint.source}: cannot load the checkpoint in this directory ({_first_line(exc)})") from None
    cached, reachable = hub_files_available(checkpoint.location)
    if not cached and not reachable:
        raise KoenError(offline_hint(checkpoint.location, remedy))
    try:
        return loader.from_pretrained(checkpoint.location, local_files_only=not reachable, **kwargs)
    except OSError:
        raise KoenError(offline_hint(checkpoint.location, remedy)) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def load_tokenizer(checkpoint: Checkpoint, remedy: str = MODEL_OPTION_REMEDY):
    """The checkpoint's tokenizer; a CTranslate2 directory names the class in koen.json."""
    import transformers   # late: it loads torch

    meta = read_meta(checkpoint)
    loader = getattr(transformers, str(meta.get("tokenizer_class")), None) if meta else transformers.AutoTokenizer
    if loader is None:
        raise KoenError(f"{checkpoint.source}: {KOEN_META} names no known tokenizer class")
    return load_pretrained(loader, checkpoint, remedy)


def read_meta(checkpoint: Checkpoint) -> dict | None:
    if not checkpoint.local:
        return None
    meta = Path(checkpoint.location) / KOEN_META
    if not meta.exists():
        return None
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KoenError(f"{meta}: unreadable ({exc})") from None
    if not isinstance(data, dict):
        raise KoenError(f"{meta}: expected a JSON object")
    return data


def fingerprint(checkpoint: Checkpoint, config_revision: str | None = None) -> str:
    """A revision for provenance and cache keys: the hub commit, or a hash of a local directory's files."""
    if not checkpoint.local:
        return config_revision or "unknown"
    digest = hashlib.sha256()
    for path in sorted(Path(checkpoint.location).iterdir()):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
            if stat.st_size < 4_000_000:
                digest.update(path.read_bytes())
    return "sha256:" + digest.hexdigest()[:16]


def source_identity(checkpoint: Checkpoint, hub_revision: str | None = None) -> dict:
    """What identifies a source model wherever koen.json is read later: the hub id and its revision
    (the commit hash when transformers reports one), or the absolute directory and the sha256 of
    its config.json (never the path as typed, which means nothing from another folder)."""
    if not checkpoint.local:
        return {"source_model": checkpoint.location, "source_revision": hub_revision or "unknown"}
    directory = Path(checkpoint.location).resolve()
    config = hashlib.sha256((directory / "config.json").read_bytes()).hexdigest()
    return {"source_model": str(directory), "source_config_sha256": config}


def count_tokens(tokenizer, texts: Sequence[str]) -> list[int]:
    """Source-side token counts, special tokens included."""
    return [len(ids) for ids in tokenizer(list(texts), add_special_tokens=True)["input_ids"]]


def model_input_limit(tokenizer, max_positions: int | None) -> int:
    limits = [512]
    length = getattr(tokenizer, "model_max_length", None)
    if isinstance(length, int) and 0 < length < 100_000:
        limits.append(length)
    if max_positions:
        limits.append(max_positions)
    return min(limits) - 2   # room for the end-of-sentence and language tokens


def forbidden_target_tokens(tokenizer, family: Family) -> list[int]:
    """Target tokens an English translation never needs: Hangul pieces, <unk>, other languages' codes.

    Banning them at decoding time is what guarantees no Korean is copied into the output.
    """
    vocab = tokenizer.get_vocab()
    ids = [index for piece, index in vocab.items() if HANGUL_RE.search(piece)]
    if tokenizer.unk_token_id is not None:
        ids.append(tokenizer.unk_token_id)
    ids.extend(family.language_token_ids(tokenizer))
    target = family.forced_bos_token_id(tokenizer)
    return sorted(set(ids) - {target})


def decode(tokenizer, family: Family, ids) -> str:
    """Decode one output, dropping special and language-code tokens."""
    dropped = set(family.language_token_ids(tokenizer))
    return tokenizer.decode([i for i in ids if int(i) not in dropped], skip_special_tokens=True).strip()


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
    """Indices grouped into batches of similar length, longest first (less padding).

    A short remainder (under a quarter of ``batch_size``) joins the last full batch: decoding a
    batch of one costs nearly as many steps as a full one, so 33 inputs are one batch, not 32 + 1.
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
    if len(batches) > 1 and len(batches[-1]) * 4 < batch_size:
        batches[-2].extend(batches.pop())
    yield from batches


def token_budget_batches(lengths: Sequence[int], budget: int) -> Iterator[list[int]]:
    """Indices in length-sorted batches of at most ``budget`` padded tokens (inputs × longest input,
    what a decoder really holds), longest first; an input longer than the budget is a batch alone."""
    batch: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        if batch and (len(batch) + 1) * lengths[batch[0]] > budget:
            yield batch
            batch = []
        batch.append(index)
    if batch:
        yield batch


def decoder_batches(lengths: Sequence[int], options) -> Iterator[list[int]]:
    """The batches a model backend decodes: ``options.batch_tokens`` padded tokens each when set,
    else ``options.batch_size`` inputs (both length-sorted)."""
    budget = getattr(options, "batch_tokens", None)
    if budget:
        return token_budget_batches(lengths, budget)
    return length_sorted_batches(lengths, options.batch_size)


def family_for(config_model_type: str, tokenizer, where: str) -> Family:
    family = detect_family(config_model_type, tokenizer, where)
    family.prepare_tokenizer(tokenizer)
    return family


def resolve_device(device: str, cuda_available: bool, engine: str) -> str:
    """``auto`` picks CUDA when the engine sees a device; ``cuda`` without one is a clear error."""
    if device == "auto":
        return "cuda" if cuda_available else "cpu"
    if device == "cuda" and not cuda_available:
        raise KoenError(f"--device cuda: {engine} sees no CUDA device (use --device auto or cpu)")
    if device not in ("cpu", "cuda"):
        raise KoenError(f"--device {device}: expected auto, cpu or cuda")
    return device


def cpu_threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
