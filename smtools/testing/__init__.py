"""Testing aids for smtools and its users: a local Sentry-compatible server.

``SentryTestServer`` (in :mod:`smtools.testing.sentry_server`) serves the
source-map upload API on loopback and records what it receives; ``Faults``
makes it misbehave. ``smtools test-server`` runs it from the command line.
"""

from __future__ import annotations

from smtools.testing.faults import Faults, RateLimit, Reset, ScopeMissing, Slow, StatusBurst, Target
from smtools.testing.records import Artifact, RecordedRequest, Release
from smtools.testing.sentry_server import MODES, SentryTestServer

__all__ = ["MODES", "Artifact", "Faults", "RateLimit", "RecordedRequest", "Release", "Reset",
           "ScopeMissing", "SentryTestServer", "Slow", "StatusBurst", "Target"]
