from __future__ import annotations

import pytest


@pytest.fixture
def advice_demo(demo):
    """The demo region with its knowledge bank and life events."""
    from luukku.advice.services import demo_seed

    demo_seed()
    return demo
