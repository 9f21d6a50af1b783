"""Shared fixtures."""

from __future__ import annotations

from typing import Iterator

import pytest

from minitorch.backends import threads as policy


@pytest.fixture
def threads(request: pytest.FixtureRequest) -> Iterator[int]:
    """The process's thread count set to the test's parameter (indirect), restored afterwards."""
    before = policy.get_num_threads()
    policy.set_num_threads(request.param)
    yield request.param
    policy.set_num_threads(before)
