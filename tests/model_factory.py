"""Random-weight checkpoints of the real architectures, built offline for tests and benchmarks.

A small SentencePiece model is trained on committed text (tests/data/corpus), then a MarianMT or
M2M100 model is created from a config (tiny dims for tests, the real dims for benchmarks) and
saved with ``save_pretrained``: the result loads through exactly the code path users take.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "corpus"
TRAINING_TEXT = [DATA / "flores200-dev.200.ko", DATA / "flores200-dev.200.en"]

# Helsinki-NLP/opus-mt-ko-en (base) and opus-mt-tc-big-ko-en (transformer-big), from their config.json.
MARIAN_BASE = dict(d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8,
                   decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048, vocab_size=65001,
                   max_position_embeddings=512, activation_function="swish", share_encoder_decoder_embeddings=True)
MARIAN_BIG = dict(d_model=1024, encoder_layers=6, decoder_layers=6, encoder_attention_heads=16,
                  decoder_attention_heads=16, encoder_ffn_dim=4096, decoder_ffn_dim=4096, vocab_size=32001,
                  max_position_embeddings=1024, activation_function="relu", share_encoder_decoder_embeddings=True)
TINY = dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
            encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=128)


def train_sentencepiece(prefix: Path, vocab_size: int, texts=TRAINING_TEXT, **extra) -> Path:
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        input=",".join(str(t) for t in texts), model_prefix=str(prefix), vocab_size=vocab_size,
        character_coverage=0.9995, model_type="unigram", minloglevel=2, hard_vocab_limit=False, **extra)
    return prefix.with_suffix(".model")


def build_marian(directory: Path, dims: dict | None = None, spm_vocab: int = 1500, seed: int = 0,
                 model_max_length: int = 512) -> Path:
    """A MarianMT checkpoint laid out like Helsinki-NLP's: source.spm, target.spm, vocab.json with
    </s>=0, <unk>=1 and <pad> last (the decoder start token)."""
    from transformers import MarianConfig, MarianMTModel

    import sentencepiece as spm

    dims = dict(TINY if dims is None else dims)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model_file = train_sentencepiece(directory / "spm", spm_vocab, bos_id=-1, eos_id=0, unk_id=1, pad_id=-1)
    processor = spm.SentencePieceProcessor(model_file=str(model_file))
    vocab = {processor.id_to_piece(i): i for i in range(processor.get_piece_size())}
    vocab_size = dims.pop("vocab_size", None) or len(vocab) + 1
    filler = 0
    while len(vocab) < vocab_size - 1:        # pad a small trained vocabulary up to a real model's size
        vocab[f"<extra_{filler}>"] = len(vocab)
        filler += 1
    vocab["<pad>"] = len(vocab)
    for name in ("source.spm", "target.spm"):
        shutil.copy(model_file, directory / name)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(json.dumps(
        {"source_lang": "ko", "target_lang": "en", "model_max_length": model_max_length,
         "tokenizer_class": "MarianTokenizer"}), encoding="utf-8")
    pad = vocab["<pad>"]
    config = MarianConfig(vocab_size=len(vocab), pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad,
                          forced_eos_token_id=0, **dims)
    return save_random(MarianMTModel, config, directory, seed)


def build_m2m100(directory: Path, dims: dict | None = None, spm_vocab: int = 1500, seed: int = 0) -> Path:
    """An M2M100 checkpoint: sentencepiece.bpe.model + vocab.json, language tokens added by the tokenizer."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    import sentencepiece as spm

    dims = dict(TINY if dims is None else dims)
    dims.pop("vocab_size", None)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model_file = train_sentencepiece(directory / "spm", spm_vocab, bos_id=0, pad_id=1, eos_id=2, unk_id=3)
    processor = spm.SentencePieceProcessor(model_file=str(model_file))
    vocab = {processor.id_to_piece(i): i for i in range(processor.get_piece_size())}
    vocab.update({"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3})
    shutil.copy(model_file, directory / "sentencepiece.bpe.model")
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(vocab_file=str(directory / "vocab.json"),
                                spm_file=str(directory / "sentencepiece.bpe.model"), src_lang="ko", tgt_lang="en",
                                model_max_length=512)
    tokenizer.save_pretrained(directory)
    lang_ids = [tokenizer.convert_tokens_to_ids(tokenizer.get_lang_token(code)) for code in tokenizer.lang_code_to_token]
    vocab_size = max([len(tokenizer), *lang_ids]) + 1 + getattr(tokenizer, "num_madeup_words", 8)
    config = M2M100Config(vocab_size=vocab_size, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                          decoder_start_token_id=2, **dims)
    return save_random(M2M100ForConditionalGeneration, config, directory, seed)


def save_random(model_class, config, directory: Path, seed: int) -> Path:
    """Random weights (seeded), saved with save_pretrained; the SentencePiece training leftovers go."""
    import torch

    torch.manual_seed(seed)
    model_class(config).save_pretrained(directory)
    for leftover in ("spm.model", "spm.vocab"):
        (directory / leftover).unlink(missing_ok=True)
    return directory
