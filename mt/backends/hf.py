"""transformers backend: MarianMT, M2M100 and NLLB checkpoints from a hub id or a local directory."""

from __future__ import annotations

import functools
from typing import Sequence

from ..errors import KoenError
from .base import GenerationOptions, Scored, mean_log_prob, register_backend
from .checkpoint import (
    DEFAULT_MODEL,
    count_tokens,
    decode,
    family_for,
    fingerprint,
    forbidden_target_tokens,
    decoder_batches,
    load_pretrained,
    load_tokenizer,
    model_input_limit,
    resolve_checkpoint,
    resolve_device,
)


def pick_device(device: str) -> str:
    import torch   # late: heavy, loaded with the backend only

    return resolve_device(device, torch.cuda.is_available(), "PyTorch")


@functools.lru_cache(maxsize=1)
def _chosen_log_probs_class():
    from transformers import LogitsProcessor   # late: transformers loads torch

    class ChosenLogProbs(LogitsProcessor):
        """Last of the processors: notes the log-probability of the token greedy decoding takes
        at each step (the processed scores' maximum), one float per sequence."""

        def __init__(self):
            self.steps = []

        def __call__(self, input_ids, scores):
            import torch  # loaded with the backend already

            self.steps.append(torch.log_softmax(scores.float(), dim=-1).max(dim=-1).values)
            return scores

    return ChosenLogProbs


def _ChosenLogProbs():
    return _chosen_log_probs_class()()


@register_backend("transformers", help="PyTorch through Hugging Face transformers", aliases=("hf",))
class TransformersBackend:
    name = "transformers"

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "auto", dtype: str = "auto",
                 options: GenerationOptions = GenerationOptions(), **_ignored):
        import torch   # late: heavy, loaded with the backend only
        from transformers import AutoConfig, AutoModelForSeq2SeqLM

        self.options = options
        self.checkpoint = resolve_checkpoint(model)
        self.device = pick_device(device)
        config = load_pretrained(AutoConfig, self.checkpoint)
        self.tokenizer = load_tokenizer(self.checkpoint)
        self.family = family_for(config.model_type, self.tokenizer, model)
        dtypes = {"auto": torch.float16 if self.device == "cuda" else torch.float32,
                  "float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
        if dtype not in dtypes:
            raise KoenError(f"--dtype {dtype}: expected one of {', '.join(dtypes)}")
        self.dtype = dtypes[dtype]
        self.model = load_pretrained(AutoModelForSeq2SeqLM, self.checkpoint, dtype=self.dtype)
        self.model.to(self.device).eval()
        self.max_input_tokens = model_input_limit(self.tokenizer, getattr(config, "max_position_embeddings", None))
        self._forbidden = forbidden_target_tokens(self.tokenizer, self.family)
        self._forced_bos = self.family.forced_bos_token_id(self.tokenizer)
        self._revision = fingerprint(self.checkpoint, getattr(config, "_commit_hash", None))

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return count_tokens(self.tokenizer, texts)

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [scored.text for scored in self.translate_scored(texts)]

    def translate_scored(self, texts: Sequence[str]) -> list[Scored]:
        import torch  # heavy optional dependency: loaded with the backend only

        texts = list(texts)
        outputs: list[Scored] = [Scored("")] * len(texts)
        lengths = self.count_tokens(texts)
        for batch in decoder_batches(lengths, self.options):
            longest = max(lengths[i] for i in batch)
            if longest > self.max_input_tokens + 2:
                raise ValueError(f"input of {longest} tokens exceeds the model limit; split it before translating")
            encoded = self.tokenizer([texts[i] for i in batch], return_tensors="pt", padding=True).to(self.device)
            with torch.inference_mode():
                rows, steps = self._generate(encoded, longest)
            for index, row, scores in zip(batch, rows, steps):
                outputs[index] = Scored(decode(self.tokenizer, self.family, row),
                                        mean_log_prob(self._generated_scores(row[1:], scores)))
        return outputs

    def _generate(self, encoded, longest: int) -> tuple[list[list[int]], list[list[float]]]:
        """Token ids and per-step log-probabilities of the chosen tokens, from the processed scores
        (banned tokens removed: the distribution decoding chose from, which is what CTranslate2's
        return_scores reports too). Greedy decoding keeps one float per sequence and step, never
        the batch × steps × vocabulary scores; beam search needs them to trace its beams."""
        import torch  # heavy optional dependency: loaded with the backend only
        from transformers import LogitsProcessorList

        kwargs = self._generation_kwargs(longest)
        if self.options.beam_size == 1:
            chosen = _ChosenLogProbs()
            sequences = self.model.generate(**encoded, **kwargs, logits_processor=LogitsProcessorList([chosen]))
            steps = torch.stack(chosen.steps, dim=1) if chosen.steps else torch.zeros((sequences.shape[0], 0))
            return sequences.tolist(), steps.float().tolist()
        generated = self.model.generate(**encoded, **kwargs, output_scores=True, return_dict_in_generate=True)
        steps = self.model.compute_transition_scores(generated.sequences, generated.scores,
                                                     getattr(generated, "beam_indices", None), normalize_logits=True)
        return generated.sequences.tolist(), steps.float().tolist()

    def _generated_scores(self, tokens: list[int], scores: list[float]) -> list[float]:
        """Log-probabilities of the generated tokens up to and including the end of sentence; a
        forced language code is no choice of the model's and is left out (as CTranslate2's prefix)."""
        eos = self.model.generation_config.eos_token_id
        ends = set(eos if isinstance(eos, list) else [eos])
        kept = []
        for position, (token, score) in enumerate(zip(tokens, scores)):
            if position == 0 and self._forced_bos is not None:
                continue
            kept.append(score)
            if token in ends:
                break
        return kept

    def _generation_kwargs(self, input_tokens: int) -> dict:
        fixed = self.options.fixed_output_tokens
        budget = self.options.output_budget(input_tokens, self.max_input_tokens)
        kwargs = {"num_beams": self.options.beam_size, "max_new_tokens": budget, "do_sample": False,
                  "suppress_tokens": self._forbidden}
        if fixed:
            kwargs["min_new_tokens"] = fixed
        if self._forced_bos is not None:
            kwargs["forced_bos_token_id"] = self._forced_bos
        return kwargs

    def provenance(self) -> dict:
        return {"backend": self.name, "model": self.checkpoint.source, "revision": self._revision,
                "family": self.family.name, "device": self.device, "dtype": str(self.dtype).replace("torch.", ""),
                "beam_size": self.options.beam_size}
