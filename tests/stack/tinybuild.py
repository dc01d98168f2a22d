"""A tiny hand-made bundle + map whose every mapping is written out below."""

from __future__ import annotations

import json
from pathlib import Path

from smtools.sourcemap import vlq

ORIGINAL = """\
function outer () {
  inner()
}
function inner () {
  throw new Error('x')
}
outer()
"""
BUNDLE_CODE = 'function o(){n()}function n(){throw new Error("x")}o();'
# generated column → (original line, original column, name), all 0-based, chosen by hand
TOKENS = {
    0: (0, 0, None),
    BUNDLE_CODE.index("o("): (0, 9, "outer"),
    BUNDLE_CODE.index("n()"): (1, 2, "inner"),
    BUNDLE_CODE.index("function n"): (3, 0, None),
    BUNDLE_CODE.index("n(){"): (3, 9, "inner"),
    BUNDLE_CODE.index("throw"): (4, 2, None),
    BUNDLE_CODE.index("new"): (4, 8, None),
    BUNDLE_CODE.index("Error"): (4, 12, "Error"),
    BUNDLE_CODE.index("o();"): (6, 0, "outer"),
}


def encode_line(tokens: dict[int, tuple[int, int, str | None]], names: list[str],
                state: list[int] | None = None) -> str:
    """VLQ-encode one generated line of single-source segments (state carries deltas)."""
    state = state if state is not None else [0, 0, 0, 0]
    segments, column = [], 0
    for gen_column in sorted(tokens):
        line, orig_column, name = tokens[gen_column]
        values = [gen_column - column, 0, line - state[1], orig_column - state[2]]
        column, state[1], state[2] = gen_column, line, orig_column
        if name is not None:
            values.append(names.index(name) - state[3])
            state[3] = names.index(name)
        segments.append("".join(vlq.encode(v) for v in values))
    return ",".join(segments)


def write_bundle(directory: Path, *, contents: bool = True, name: str = "a.js") -> Path:
    """dist/<name> + dist/<name>.map built from ORIGINAL, BUNDLE_CODE and TOKENS."""
    dist = directory / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    names = ["outer", "inner", "Error"]
    source_map = {"version": 3, "file": name, "sources": ["webpack:///./src/a.js"], "names": names,
                  "mappings": encode_line(TOKENS, names)}
    if contents:
        source_map["sourcesContent"] = [ORIGINAL]
    (dist / f"{name}.map").write_text(json.dumps(source_map))
    bundle = dist / name
    bundle.write_text(f"{BUNDLE_CODE}\n//# sourceMappingURL={name}.map\n")
    return bundle
