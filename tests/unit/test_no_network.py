"""The unit suite's guard: code under unit test cannot reach the network."""

from __future__ import annotations

import socket

import pytest


def test_opening_a_connection_fails_the_test() -> None:
    with pytest.raises(pytest.fail.Exception, match="network"):
        socket.create_connection(("192.0.2.1", 443), timeout=0.01)
