"""Upload benchmark: a 200-file (~50 MB) dist to the local Sentry test server, twice.

Prints wall time, bytes sent and requests made per run. The second run of an unchanged
dist must send no chunk bytes (the server already holds every chunk); the script says
so loudly if it did. Figures only, no assertions.

    /work/venv/bin/python bench/bench_upload.py [--files 200] [--mb 50] [--mode modern]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from smtools.sentry.job import UploadJob, make_client, run_upload
from smtools.sentry.settings import Settings
from smtools.sentry.token import Secret
from smtools.testing.sentry_server import SentryTestServer

TOKEN = "bench-token"
_WORDS = ("render", "state", "props", "commit", "dispatch", "store", "window", "ipc", "event",
          "value", "index", "module", "exports", "require", "payload", "handler", "emit")


def make_dist(root: Path, files: int, megabytes: float, seed: int = 7) -> int:
    """``files`` bundles+maps (half each) of realistic-looking minified JS and v3 maps."""
    rng = random.Random(seed)
    pairs = files // 2
    per_pair = int(megabytes * 1024 * 1024 / pairs)
    total = 0
    for index in range(pairs):
        name = f"chunk-{index:03d}.{hashlib.sha1(str(index).encode()).hexdigest()[:8]}.js"
        folder = root / ("renderer" if index % 2 else "main")
        folder.mkdir(parents=True, exist_ok=True)
        js, source_map = _pair(rng, name, per_pair)
        (folder / name).write_text(js)
        (folder / f"{name}.map").write_text(source_map)
        total += len(js) + len(source_map)
    return total


def _pair(rng: random.Random, name: str, size: int) -> tuple[str, str]:
    statements, source_lines = [], []
    js_size = int(size * 0.42)
    length = 0
    while length < js_size:
        a, b = rng.choice(_WORDS), rng.choice(_WORDS)
        # random identifiers and constants: minified output compresses ~4x, not 10x
        ident = f"{rng.getrandbits(24):x}"
        statement = (f"function {a}_{ident}(e,t){{return e.{b}(t,\"{rng.getrandbits(40):x}\")"
                     f"+{rng.randint(0, 99999)}}}")
        statements.append(statement)
        source_lines.append(f"export function {a}_{ident}(element, target) {{ return "
                            f"element.{b}(target) }}")
        length += len(statement) + 1
    mappings = ",".join("AAAA" if i == 0 else "CAAC" for i in range(len(statements)))
    code = ";".join(statements) + f"\n//# sourceMappingURL={name}.map\n"
    source_map = json.dumps({"version": 3, "file": name, "sources": [f"webpack:///src/{name}"],
                             "sourcesContent": ["\n".join(source_lines)], "names": [],
                             "mappings": mappings})
    return code, source_map


def run_once(server: SentryTestServer, dist: Path, validate: bool) -> dict[str, float]:
    settings = Settings(url=server.url, org="acme", projects=("desktop",),
                        auth_token=Secret(TOKEN), release="bench-1.0")
    before = len(server.requests)
    started = time.perf_counter()
    report = run_upload(UploadJob(paths=(dist,), validate=validate, poll_interval=0.05),
                        settings, client=make_client(settings, "acme"))
    wall = time.perf_counter() - started
    seen = server.requests[before:]
    assert report.outcome is not None
    return {"wall_s": wall, "bytes_sent": report.stats.bytes_sent,
            "requests": report.stats.requests, "server_requests": len(seen),
            "chunk_bytes": sum(r.chunk_bytes for r in seen if r.endpoint == "chunk-upload"),
            "uploaded": len(report.outcome.uploaded),
            "already_present": len(report.outcome.already_present)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--mode", default="modern")
    parser.add_argument("--no-validate", action="store_true",
                        help="skip map validation (measures the transfer alone)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smtools-bench-") as tmp:
        dist = Path(tmp) / "dist"
        size = make_dist(dist, args.files, args.mb)
        print(f"dist: {args.files} files, {size / 1024 / 1024:.1f} MiB; server mode {args.mode}")
        with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",),
                              mode=args.mode) as server:
            results = [run_once(server, dist, not args.no_validate) for _ in range(2)]
    print(f"{'run':<6}{'wall s':>9}{'bytes sent':>14}{'chunk bytes':>14}{'requests':>10}"
          f"{'uploaded':>10}{'present':>9}")
    for number, r in enumerate(results, start=1):
        print(f"{number:<6}{r['wall_s']:>9.2f}{r['bytes_sent']:>14,}{r['chunk_bytes']:>14,}"
              f"{r['requests']:>10}{r['uploaded']:>10}{r['already_present']:>9}")
    second = results[1]["chunk_bytes"]
    if second:
        print(f"SECOND RUN SENT {second:,} CHUNK BYTES: unchanged files were uploaded again",
              file=sys.stderr)
    else:
        print("second run: no chunk bytes sent (every chunk already on the server)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
