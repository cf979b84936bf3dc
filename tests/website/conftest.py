"""Fixtures shared by the tests of the site-wide app."""

import pytest

from tests.workers import SmtpSink


@pytest.fixture
def sink():
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()
