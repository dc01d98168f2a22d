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


def verify_artifact_bundle(client: SentryClient, projects: Sequence[str], bundle_id: str,
                           checksum: str, release: str | None, dist: str | None,
                           artifacts: Sequence[Artifact]) -> Verification:
    """List the assembled bundle's files and compare names, sizes and the release/dist link.

    The bytes were already checked: assemble only reaches ``ok`` when the joined chunks
    have the bundle's SHA-1 ("Reported checksum mismatch" otherwise), and the bundle is
    built deterministically from the files. A server without the listing endpoint leaves
    that check as the only one (``skipped_reason`` says so).
    """
    listing = client.list_artifact_bundle_files(projects[0], bundle_id)
    if listing is None:
        return Verification(checked=len(artifacts), skipped_reason=(
            f"the server cannot list artifact bundle files; it confirmed bundle {checksum} "
            "by its sha1 when assembling"))
    result = Verification(checked=len(artifacts))
    linked = not release or (release, dist) in listing.associations
    for artifact in artifacts:
        size = listing.sizes.get(artifact.url, -1)
        if size == -1 or not linked:
            result.missing.append(artifact.url)
        elif size is not None and size != artifact.size:
            result.mismatched.append((artifact.url, f"{artifact.size} bytes", f"{size} bytes"))
    return result


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
