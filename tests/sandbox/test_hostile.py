"""The hostile suite (tests/sandbox/attacks.py) as root; test_availability runs it again as an ordinary user."""

import os
import sys
from pathlib import Path

import pytest

from .attacks import ATTACKS, CANARY_NAME, CANARY_VALUE, as_dict, problems


def forbidden_strings(settings) -> tuple[str, ...]:
    """What learner code must never see: the canary secret, the site's secret key, and the host's own paths."""
    return (CANARY_VALUE, settings.SECRET_KEY, str(settings.BASE_DIR), sys.prefix, sys.base_prefix,
            str(Path.home()), str(Path(sys.executable).resolve().parent))


@pytest.fixture
def canary(monkeypatch):
    # In the web process's environment before any sandbox starts, as SECRET_KEY and DATABASE_URL are in production.
    monkeypatch.setenv(CANARY_NAME, CANARY_VALUE)
    return CANARY_VALUE


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="the attacks name x86_64 system call numbers")
@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.name)
def test_each_attack_is_contained_and_nothing_of_the_host_comes_back(attack, canary, run, settings):
    outcome = run(attack.code, inputs=attack.inputs)
    assert problems({attack.name: as_dict(outcome)}, forbidden_strings(settings)) == []
