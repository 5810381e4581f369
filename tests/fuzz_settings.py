"""One hypothesis budget for every property test: ``KOEN_FUZZ_EXAMPLES`` examples per property.

CI runs the default (small, minutes in all); ``make fuzz`` raises it for a longer run before a release.
Use it as a decorator: ``@FUZZ`` above ``@given(...)``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("KOEN_FUZZ_EXAMPLES", "150"))

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("KOEN_FUZZ_RANDOM") is None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
