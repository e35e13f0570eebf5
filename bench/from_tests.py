"""What the benchmarks share with the tests: starting HQ and making answers.

The benchmarks start `ces-hq serve` exactly as the tests do (tests/hqserver.py: a free
loopback port, waited for until /healthz answers, its stderr in the error when it does not)
and build answers from the contract as the tests do (tests/answers.py). Those modules live
in tests/, where CI runs them every day; this module is the one place that puts tests/ on
the benchmarks' import path, so a benchmark says ``from from_tests import HQService``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from answers import make_answer, make_answers, queue_answer
from hqserver import CES_HQ, HQService, HQStartError

__all__ = ["CES_HQ", "HQService", "HQStartError", "make_answer", "make_answers", "queue_answer"]
