"""Frame resolution against the hand-made bundle of conftest.py (expected values from its TOKENS)."""

from __future__ import annotations

from pathlib import Path

from smtools.stack.locate import FileIndex
from smtools.stack.model import Frame
from smtools.stack.parse import frames, parse_text
from smtools.stack.symbolicate import Symbolicator

from .tinybuild import BUNDLE_CODE, write_bundle

URL = "file:///C:/Program%20Files/App/resources/app.asar/dist/a.js"
THROW = BUNDLE_CODE.index("new") + 1      # printed (1-based) columns
CALL = BUNDLE_CODE.index("n()") + 1
TOP = BUNDLE_CODE.index("o();") + 1
TRACE = f"""Error: x
    at n ({URL}:1:{THROW})
    at o ({URL}:1:{CALL})
    at {URL}:1:{TOP}
    at Module._compile (node:internal/modules/cjs/loader:1554:14)
"""


def _resolve(root: Path, text: str = TRACE) -> list:
    return Symbolicator(FileIndex([root])).resolve_trace(frames(parse_text(text)))


def _summary(resolution) -> tuple:
    return (resolution.status, resolution.source, resolution.line, resolution.column,
            resolution.name, resolution.name_from)


def test_every_frame_resolves_with_names_from_the_original_source(tiny_build: Path) -> None:
    results = _resolve(tiny_build)
    assert [_summary(r) for r in results] == [
        ("resolved", "webpack:///./src/a.js", 4, 8, "inner", "scope"),
        ("resolved", "webpack:///./src/a.js", 1, 2, "outer", "scope"),
        ("resolved", "webpack:///./src/a.js", 6, 0, None, None),
        ("skipped", None, None, None, None, None),
    ]
    assert results[0].matched_by == "url"
    assert results[0].file == str(tiny_build / "dist/a.js")
    assert results[0].map_path == str(tiny_build / "dist/a.js.map")
    assert results[3].reason == "runtime frame"


def test_without_sources_content_the_caller_names_the_callee(tmp_path: Path) -> None:
    write_bundle(tmp_path, contents=False)
    results = _resolve(tmp_path)
    assert [(r.name, r.name_from) for r in results[:3]] == [
        ("inner", "caller"), ("outer", "caller"), (None, None)]
    assert results[0].source_text is None


def test_without_sources_content_a_local_copy_of_the_source_is_used(tmp_path: Path) -> None:
    from .tinybuild import ORIGINAL

    write_bundle(tmp_path, contents=False)
    (tmp_path / "checkout/src").mkdir(parents=True)
    (tmp_path / "checkout/src/a.js").write_text(ORIGINAL)
    (tmp_path / "other").mkdir()
    (tmp_path / "other/a.js").write_text("// a different a.js: only a whole-path match counts\n")
    results = _resolve(tmp_path)
    assert [(r.name, r.name_from) for r in results[:2]] == [("inner", "scope"), ("outer", "scope")]
    assert results[0].source_text_from == str(tmp_path / "checkout/src/a.js")


def test_each_map_is_decoded_once(tiny_build: Path) -> None:
    decoded: list[str] = []
    symbolicator = Symbolicator(FileIndex([tiny_build]), decoded.append)
    trace = "\n".join(f"    at n ({URL}:1:{THROW})" for _ in range(50))
    symbolicator.resolve_trace(frames(parse_text(trace)))
    symbolicator.resolve_trace(frames(parse_text(TRACE)))
    assert decoded == [str(tiny_build / "dist/a.js.map")]
    assert symbolicator.maps_decoded == 1


def test_two_bundles_sharing_one_map_decode_it_once(tiny_build: Path) -> None:
    copy = tiny_build / "dist/b.js"
    copy.write_text(f"{BUNDLE_CODE}\n//# sourceMappingURL=a.js.map\n")
    symbolicator = Symbolicator(FileIndex([tiny_build]))
    symbolicator.resolve_trace(frames(parse_text(f"    at n (app:///dist/a.js:1:{THROW})\n"
                                                 f"    at n (app:///dist/b.js:1:{THROW})\n")))
    assert symbolicator.maps_decoded == 1


def _reason(root: Path, line: str) -> tuple[str, str | None]:
    [result] = _resolve(root, line)
    return result.status, result.reason


def test_file_not_found(tiny_build: Path) -> None:
    assert _reason(tiny_build, "    at x (app:///dist/zzz.js:1:5)") == ("unresolved", "file not found")


def test_no_map(tiny_build: Path) -> None:
    (tiny_build / "dist/plain.js").write_text("var a = 1;\n")
    assert _reason(tiny_build, "    at x (app:///dist/plain.js:1:5)") == ("unresolved", "no map")


def test_map_comment_pointing_nowhere_is_no_map(tiny_build: Path) -> None:
    (tiny_build / "dist/gone.js").write_text("var a = 1;\n//# sourceMappingURL=gone.js.map\n")
    assert _reason(tiny_build, "    at x (app:///dist/gone.js:1:5)") == ("unresolved", "no map")


def test_map_invalid(tiny_build: Path) -> None:
    (tiny_build / "dist/bad.js").write_text("var a = 1;\n//# sourceMappingURL=bad.js.map\n")
    (tiny_build / "dist/bad.js.map").write_text("{not json")
    status, reason = _reason(tiny_build, "    at x (app:///dist/bad.js:1:5)")
    assert status == "unresolved" and reason is not None and reason.startswith("map invalid: ")


def test_unmapped_position(tiny_build: Path) -> None:
    # Line 2 of the bundle is the sourceMappingURL comment: no mappings there.
    assert _reason(tiny_build, "    at x (app:///dist/a.js:2:3)") == ("unresolved", "unmapped position")


def test_no_column(tiny_build: Path) -> None:
    assert _reason(tiny_build, "run@app:///dist/a.js line 1 > eval:1:5") == ("unresolved", "no column")


def test_frames_without_location_are_skipped(tiny_build: Path) -> None:
    result = Symbolicator(FileIndex([tiny_build])).resolve(Frame(None, None, None, "Array.map"))
    assert (result.status, result.reason) == ("skipped", "no location")


def test_a_map_file_matched_directly(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path)
    bundle.unlink()  # only the map is left
    assert _reason(tmp_path, f"    at n (app:///dist/a.js:1:{THROW})") == ("resolved", None)


def test_inline_map(tmp_path: Path) -> None:
    import base64

    bundle = write_bundle(tmp_path)
    data = base64.b64encode((tmp_path / "dist/a.js.map").read_bytes()).decode()
    (tmp_path / "dist/a.js.map").unlink()
    bundle.write_text(f"{BUNDLE_CODE}\n//# sourceMappingURL=data:application/json;base64,{data}\n")
    [result] = _resolve(tmp_path, f"    at n (app:///dist/a.js:1:{THROW})")
    assert (result.status, result.line, result.map_path) == ("resolved", 4, f"{bundle} (inline)")
