"""What term and number reports share: findings that were found or not, and their share."""

from __future__ import annotations


class Tally:
    findings: list

    @property
    def total(self) -> int:
        return len(self.findings)

    @property
    def found(self) -> int:
        return sum(f.found for f in self.findings)

    @property
    def share(self) -> float | None:
        return self.found / self.total if self.findings else None
