"""The transformers backend's confidence without holding batch × steps × vocabulary scores."""

from __future__ import annotations

import pytest

from mt.backends import GenerationOptions, load_backend
from mt.backends.base import mean_log_prob

TEXTS = ["국토교통부는 오늘 발표하였다.", "서울", "2025년 3월 1일부터 스마트도시 사업을 추진한다고 밝혔다.", "안녕하세요"]


@pytest.mark.parametrize("fixed", [None, 6])
def test_greedy_confidence_equals_the_full_scores_and_never_asks_for_them(tiny_marian, fixed):
    backend = load_backend("transformers", model=str(tiny_marian), device="cpu",
                           options=GenerationOptions(batch_size=4, fixed_output_tokens=fixed))
    asked = []
    generate = backend.model.generate

    def recording(*args, **kwargs):
        asked.append(kwargs)
        return generate(*args, **kwargs)

    backend.model.generate = recording
    got = backend.translate_scored(TEXTS)
    assert asked and not any(kwargs.get("output_scores") for kwargs in asked)
    backend.model.generate = generate

    # the reference: every step's processed scores kept, then log-softmax and gather
    import torch

    encoded = backend.tokenizer(TEXTS, return_tensors="pt", padding=True)
    longest = max(backend.count_tokens(TEXTS))
    with torch.inference_mode():
        full = generate(**encoded, **backend._generation_kwargs(longest), output_scores=True,
                        return_dict_in_generate=True)
        steps = backend.model.compute_transition_scores(full.sequences, full.scores, normalize_logits=True)
    for scored, row, scores in zip(got, full.sequences.tolist(), steps.float().tolist()):
        assert scored.confidence == pytest.approx(mean_log_prob(backend._generated_scores(row[1:], scores)), abs=2e-4)
        assert scored.confidence is not None and scored.confidence < 0
