"""Evaluation harness: sacrebleu scores, terminology and number checks, regression gates."""
