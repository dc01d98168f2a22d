"""After an upload: does the server hold every artifact, byte for byte?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from smtools.sentry.artifacts import Artifact
from smtools.sentry.client import SentryClient


@dataclass
class Verification:
    """Result of comparing the local artifacts with the release's files on the server."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)
    mismatched: list[tuple[str, str, str]] = field(default_factory=list)  # name, local, server
    skipped_reason: str | None = None

    @property
    def ok(self) -> bool:
        return not self.missing and not self.mismatched

    def to_json(self) -> dict[str, object]:
        return {"checked": self.checked, "missing": self.missing,
                "mismatched": [{"name": n, "local_sha1": a, "server_sha1": b}
                               for n, a, b in self.mismatched],
                "skipped_reason": self.skipped_reason, "ok": self.ok}


def verify_release(client: SentryClient, release: str | None, dist: str | None,
                   projects: Sequence[str], artifacts: Sequence[Artifact]) -> Verification:
    """List the release's artifacts (§2.3) and compare names, dist and SHA-1 checksums.

    A file the server lists without a checksum counts as present (it cannot be compared).
    """
    if not release:
        return Verification(skipped_reason="no release given: the server lists artifacts "
                                           "per release only")
    listed = client.list_release_files(release, projects[0] if projects else None)
    on_server = {(f.dist or None, f.name): f for f in listed}
    result = Verification(checked=len(artifacts))
    for artifact in artifacts:
        stored = on_server.get((dist or None, artifact.url))
        if stored is None:
            result.missing.append(artifact.url)
        elif stored.sha1 and stored.sha1.lower() != artifact.sha1:
            result.mismatched.append((artifact.url, artifact.sha1, stored.sha1.lower()))
    return result
