"""Model families: what each checkpoint family needs to translate Korean into English.

One class per family, registered with the config ``model_type`` it handles; the first family
whose ``matches`` accepts the checkpoint wins (NLLB and M2M100 share ``m2m_100``).
"""

from __future__ import annotations

import re

from ..errors import KoenError

_NLLB_CODE = re.compile(r"[a-z]{3}_[A-Z][a-z]{3}")


class Family:
    name = ""
    model_types: tuple[str, ...] = ()
    source_lang: str | None = None
    target_lang: str | None = None

    @classmethod
    def matches(cls, model_type: str, tokenizer) -> bool:
        return model_type in cls.model_types

    def prepare_tokenizer(self, tokenizer) -> None:
        if self.source_lang is not None:
            tokenizer.src_lang = self.source_lang
        if self.target_lang is not None and hasattr(tokenizer, "tgt_lang"):
            tokenizer.tgt_lang = self.target_lang

    def target_prefix(self, tokenizer) -> list[str]:
        """Tokens the decoder must start with (the target-language code for multilingual models)."""
        return []

    def language_token_ids(self, tokenizer) -> list[int]:
        """Language-code tokens: never generated except the forced target code, never decoded."""
        return []

    def forced_bos_token_id(self, tokenizer) -> int | None:
        prefix = self.target_prefix(tokenizer)
        return tokenizer.convert_tokens_to_ids(prefix[0]) if prefix else None


_FAMILIES: list[type[Family]] = []


def register_family(cls: type[Family]) -> type[Family]:
    _FAMILIES.append(cls)
    return cls


@register_family
class Marian(Family):
    name = "marian"
    model_types = ("marian",)


@register_family
class NLLB(Family):
    name = "nllb"
    model_types = ("m2m_100", "nllb-moe")
    source_lang = "kor_Hang"
    target_lang = "eng_Latn"

    @classmethod
    def matches(cls, model_type, tokenizer):
        return model_type in cls.model_types and "nllb" in type(tokenizer).__name__.lower()

    def target_prefix(self, tokenizer):
        return [self.target_lang]

    def language_token_ids(self, tokenizer):
        codes = [t for t in tokenizer.get_vocab() if _NLLB_CODE.fullmatch(t)]
        return tokenizer.convert_tokens_to_ids(codes)


@register_family
class M2M100(Family):
    name = "m2m100"
    model_types = ("m2m_100",)
    source_lang = "ko"
    target_lang = "en"

    def target_prefix(self, tokenizer):
        return [tokenizer.get_lang_token(self.target_lang)] if hasattr(tokenizer, "get_lang_token") else ["__en__"]

    def language_token_ids(self, tokenizer):
        codes = getattr(tokenizer, "lang_code_to_token", {}).values()
        return tokenizer.convert_tokens_to_ids(list(codes))


def detect_family(model_type: str, tokenizer, where: str) -> Family:
    for cls in _FAMILIES:
        if cls.matches(model_type, tokenizer):
            return cls()
    known = ", ".join(sorted({t for cls in _FAMILIES for t in cls.model_types}))
    raise KoenError(f"{where}: model type {model_type!r} is not a supported translation family ({known})")
