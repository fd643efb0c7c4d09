"""Generated hostile input (issue 15): every malformed scenario or sweep file is refused cleanly.

Hypothesis writes 1,000 malformed scenario files and 1,000 malformed sweep files per run
(``derandomize=True``: the same cases every run) of nine kinds: bad bytes, deep nesting,
huge integers, unknown keys, wrong types, out-of-range values, inverted thresholds, keys of
parameters under ``[meta]`` and bad regelreflex incidents (for sweeps also bad settings and
factors). Each must raise a ``ScenarioError`` whose message names the file and stays short;
anything else is counted as a crash and fails the test with examples. Every tenth case also
goes through the command line, ``sim.cli.main([...])``, which must return 2, print no
traceback and write nothing.

``pytest -s tests/test_hostile_generated.py`` prints the counts (tried / refused / crashed).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import SCENARIOS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.experiments.sweeps import load_sweep, run_sweep
from sim.model.params import Params, ScenarioError, bounds, iter_fields, load_scenario
from sim.model.params.rules import THRESHOLD_ORDER, parameter_names
from sim.model.params.scenario import MAX_DEPTH

EXAMPLES = 1000
CLI_EVERY = 10  # every tenth case also through sim.cli.main
MESSAGE_LIMIT = 10_000
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

FIELDS = dict(iter_fields())
SECTIONS = sorted(Params.model_fields)
NAMES = parameter_names()
NUMERIC = sorted(n for n, info in FIELDS.items() if info.annotation in (int, float) and bounds(info) != (None, None))
# fields no rule across sections touches: safe for valid filler lines
FILLER = sorted(n for n in FIELDS if n.startswith("contradiction.") and FIELDS[n].annotation is float)


def toml_str(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, surrogates excluded by the strategies)."""
    return json.dumps(text, ensure_ascii=True)


def toml_key(dotted: str) -> tuple[str, str]:
    section, key = dotted.split(".", 1)
    return section, key


KEY_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=40)
BAD_UTF8 = st.sampled_from(
    [b"\xe9", b"\xff", b"\xfe", b"\x80", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xc0\xaf"]
)


@st.composite
def filler(draw: st.DrawFn) -> str:
    """A few valid override lines (contradiction shares in [0, 1])."""
    names = draw(st.lists(st.sampled_from(FILLER), max_size=3, unique=True))
    if not names:
        return ""
    lines = [f"{toml_key(n)[1]} = {draw(st.floats(0, 1)):.3f}" for n in names]
    return "[contradiction]\n" + "\n".join(lines) + "\n"


@st.composite
def bad_bytes(draw: st.DrawFn) -> bytes:
    text = (draw(filler()) + "[run]\nyears = 4\n").encode()
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(BAD_UTF8) + text[at:]


@st.composite
def control_bytes(draw: st.DrawFn) -> bytes:
    text = ("# comment\n" + draw(filler()) + '[meta]\ndescription = "x"\n').encode()
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from([b"\x00", b"\x01", b"\x7f", b"\x1b", b"\x0b"])) + text[at:]


@st.composite
def deep(draw: st.DrawFn) -> bytes:
    depth = draw(st.integers(MAX_DEPTH + 1, 3000))
    style = draw(st.sampled_from(["array", "table", "dotted", "mixed"]))
    key = draw(st.sampled_from(["a", "run.years", "contradiction.voice", "regelreflex.incidents"]))
    if style == "array":
        value = "[" * depth + "1" + "]" * depth
    elif style == "table":
        value = "{ a = " * depth + "1" + " }" * depth
    elif style == "mixed":
        value = "[{ a = " * (depth // 2) + "1" + " }]" * (depth // 2)
    else:
        return (draw(filler()) + ".".join(["d"] * depth) + " = 1\n").encode()
    section, _, name = key.rpartition(".")
    head = f"[{section}]\n" if section else ""
    return (draw(filler()) + head + f"{name} = {value}\n").encode()


@st.composite
def huge_int(draw: st.DrawFn) -> bytes:
    name = draw(st.sampled_from(NUMERIC))
    section, key = toml_key(name)
    digits = draw(st.integers(4301, 20_000))
    form = draw(st.sampled_from(["dec", "neg", "hex", "oct", "bin"]))
    value = {
        "dec": "9" * digits,
        "neg": "-" + "1" * digits,
        "hex": "0x" + "f" * digits,
        "oct": "0o" + "7" * digits,
        "bin": "0b" + "1" * digits * 4,
    }[form]
    return f"[{section}]\n{key} = {value}\n".encode()


@st.composite
def unknown_key(draw: st.DrawFn) -> bytes:
    where = draw(st.sampled_from(["section", "top", "new_section"]))
    key = draw(KEY_TEXT.filter(lambda k: k not in NAMES and k != "meta"))
    if where == "section":
        section = draw(st.sampled_from(SECTIONS))
        return f"{draw(filler())}[{section}]\n{toml_str(key)} = 1\n".encode()
    if where == "top":
        return f"{toml_str(key)} = 1\n{draw(filler())}".encode()
    return f"{draw(filler())}[{toml_str(key)}]\nx = 1\n".encode()


def _wrong_values(annotation: Any) -> list[str]:
    scalars = {
        "str": '"text"',
        "bool": "true",
        "array": "[1, 2]",
        "table": "{ a = 1 }",
        "date": "1979-05-27",
        "float": "1.5",
        "int": "3",
    }
    if annotation is float:
        wrong = ["str", "bool", "array", "table", "date"]
    elif annotation is int:
        wrong = ["str", "bool", "array", "table", "date", "float"]
    elif annotation is bool:
        wrong = ["str", "array", "table", "date", "float", "int"]
    else:  # lists of literals or of incidents
        wrong = ["str", "bool", "table", "date", "float", "int"]
    return [scalars[w] for w in wrong]


@st.composite
def wrong_type(draw: st.DrawFn) -> bytes:
    name = draw(st.sampled_from(sorted(FIELDS)))
    section, key = toml_key(name)
    value = draw(st.sampled_from(_wrong_values(FIELDS[name].annotation)))
    if section in ("contradiction",):
        return f"[{section}]\n{key} = {value}\n".encode()
    return f"{draw(filler())}[{section}]\n{key} = {value}\n".encode()


@st.composite
def out_of_range(draw: st.DrawFn) -> bytes:
    name = draw(st.sampled_from(NUMERIC))
    section, key = toml_key(name)
    lo, hi = bounds(FIELDS[name])
    sides = [s for s, b in (("low", lo), ("high", hi)) if b is not None]
    side = draw(st.sampled_from(sides))
    special = draw(st.sampled_from(["step", "nan", "inf"])) if FIELDS[name].annotation is float else "step"
    if special == "nan":
        value = "nan"
    elif special == "inf":
        value = "-inf" if side == "low" else "inf"
    else:
        step = draw(st.integers(1, 10**6)) if FIELDS[name].annotation is int else draw(st.floats(1e-6, 1e6))
        edge = (lo - step) if side == "low" else (hi + step)  # type: ignore[operator]
        value = repr(int(edge)) if FIELDS[name].annotation is int else repr(float(edge))
        if FIELDS[name].annotation is int and math.isclose(int(edge), lo if side == "low" else hi):  # type: ignore[arg-type]
            value = repr(int(edge) - 1 if side == "low" else int(edge) + 1)
    return f"[{section}]\n{key} = {value}\n".encode()


@st.composite
def inverted(draw: st.DrawFn) -> bytes:
    section, low, high, _ = draw(st.sampled_from(THRESHOLD_ORDER))
    hi_value = draw(st.floats(0, 9.9))
    lo_value = draw(st.floats(hi_value + 0.01, 10))
    return f"[{section}]\n{low} = {lo_value!r}\n{high} = {hi_value!r}\n".encode()


@st.composite
def meta_key(draw: st.DrawFn) -> bytes:
    key = draw(st.sampled_from(sorted(NAMES)))
    return f'{draw(filler())}[meta]\ndescription = "x"\n{toml_str(key)} = {draw(st.sampled_from(["0.9", "1", "true", "[]"]))}\n'.encode()


@st.composite
def bad_incident(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["empty", "no_kind", "no_year", "before", "after", "wrong_kind", "wrong_year_type", "extra"]))
    year = {"before": draw(st.integers(2000, 2012)), "after": draw(st.integers(2026, 2100))}.get(kind, 2019)
    entry = {
        "empty": "{}",
        "no_kind": f"{{ year = {year} }}",
        "no_year": '{ kind = "harm" }',
        "before": f'{{ year = {year}, kind = "harm" }}',
        "after": f'{{ year = {year}, kind = "scandal" }}',
        "wrong_kind": f"{{ year = 2019, kind = {toml_str(draw(KEY_TEXT.filter(lambda k: k not in ('harm', 'scandal'))))} }}",
        "wrong_year_type": '{ year = "2019", kind = "harm" }',
        "extra": '{ year = 2019, kind = "harm", month = 3 }',
    }[kind]
    good = draw(st.lists(st.just('{ year = 2019, kind = "harm" }'), max_size=2))
    entries = [*good, entry]
    draw(st.randoms()).shuffle(entries)
    return f"[regelreflex]\nincidents = [{', '.join(entries)}]\n".encode()


SCENARIO_KINDS = {
    "bad_bytes": bad_bytes(),
    "control_bytes": control_bytes(),
    "deep_nesting": deep(),
    "huge_int": huge_int(),
    "unknown_key": unknown_key(),
    "wrong_type": wrong_type(),
    "out_of_range": out_of_range(),
    "inverted_thresholds": inverted(),
    "meta_key": meta_key(),
    "bad_incident": bad_incident(),
}


def _kinds(kinds: dict[str, st.SearchStrategy[bytes]]) -> st.SearchStrategy[tuple[str, bytes]]:
    """A kind drawn evenly, then a case of it (``one_of`` leans towards some branches)."""
    return st.sampled_from(sorted(kinds)).flatmap(lambda k: kinds[k].map(lambda data: (k, data)))


def scenario_cases() -> st.SearchStrategy[tuple[str, bytes]]:
    return _kinds(SCENARIO_KINDS)


# --- sweep files -------------------------------------------------------------------------------------

BASE = toml_str(str(SCENARIOS / "baseline.toml"))
GOOD_SWEEP = {
    "sweep": f'base = {BASE}\ndesign = "latin_hypercube"\npoints = 2\nreplications = 1\n',
    "overrides": "run = { scale = 0.002, years = 2, warmup_years = 1 }\n",
    "levers": '"contradiction.voice" = { range = [0.0, 1.0] }\n',
}


def sweep_text(parts: dict[str, str], head: str = "") -> str:
    return head + "".join(f"[{table}]\n{body}\n" for table, body in parts.items())


@st.composite
def sweep_bad_setting(draw: st.DrawFn) -> str:
    key, value = draw(
        st.sampled_from(
            [
                ("replications", "0"),
                ("replications", "10001"),
                ("replications", "1.5"),
                ("replications", '"3"'),
                ("points", "0"),
                ("points", "-4"),
                ("points", "true"),
                ("design", '"random"'),
                ("design", "3"),
                ("seed", "-1"),
                ("seed", str(2**63)),
                ("outcomes", '"ots_starts_per_year"'),
                ("outcomes", '["no_such_outcome"]'),
                ("second_order", "true"),
                ("morris_levels", "3"),
                ("out", "7"),
            ]
        )
    )
    settings = "\n".join(line for line in GOOD_SWEEP["sweep"].splitlines() if not line.startswith(f"{key} ="))
    return sweep_text({**GOOD_SWEEP, "sweep": settings + f"\n{key} = {value}\n"})


@st.composite
def sweep_bad_base(draw: st.DrawFn) -> str:
    base = draw(
        st.sampled_from(
            ['"no_such_file.toml"', '"bad\\u0000name.toml"', "3", "[]", toml_str(str(SCENARIOS)), '""', toml_str("x" * 5000)]
        )
    )
    settings = GOOD_SWEEP["sweep"].replace(f"base = {BASE}", f"base = {base}")
    return sweep_text({**GOOD_SWEEP, "sweep": settings})


@st.composite
def sweep_bad_factor(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NUMERIC))
    lo, hi = bounds(FIELDS[name])
    spec = draw(
        st.sampled_from(
            [
                f"{{ range = [{(hi if hi is not None else 1) + 1}, {(hi if hi is not None else 1) + 2}] }}",
                f"{{ range = [{(lo if lo is not None else 0) - 1}, {(lo if lo is not None else 0)}] }}",
                "{ range = [1, 1] }",
                "{ range = [1] }",
                '{ range = ["a", "b"] }',
                "{ values = [] }",
                '{ values = [[1], "x"] }',
                "{ range = [0, 1], values = [0.5] }",
                "{ rnage = [0, 1] }",
                "{ levels = 3 }",
                "3",
            ]
        )
    )
    table = draw(st.sampled_from(["levers", "uncertainties"]))
    key = toml_str(name if draw(st.booleans()) else draw(KEY_TEXT.filter(lambda k: k not in NAMES)))
    parts = {**GOOD_SWEEP}
    parts[table] = (parts.get(table, "") if table == "levers" else "") + f"{key} = {spec}\n"
    return sweep_text(parts)


@st.composite
def sweep_overrides(draw: st.DrawFn, fragment: st.SearchStrategy[bytes]) -> bytes:
    data = draw(fragment).decode()
    # scenario sections become sub-tables of [overrides]: [run] -> [overrides.run]
    lines = [
        f"[overrides.{line[1:]}" if line.startswith("[") and not line.startswith("[meta]") else line for line in data.splitlines()
    ]
    body = "\n".join(line for line in lines if not line.startswith("[meta]"))
    parts = {k: v for k, v in GOOD_SWEEP.items() if k != "overrides"}
    return (sweep_text(parts) + "[overrides]\n" + body + "\n").encode()


@st.composite
def sweep_bytes(draw: st.DrawFn) -> bytes:
    text = sweep_text(GOOD_SWEEP).encode()
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(BAD_UTF8) + text[at:]


@st.composite
def sweep_deep(draw: st.DrawFn) -> bytes:
    depth = draw(st.integers(MAX_DEPTH + 1, 3000))
    where = draw(st.sampled_from(["meta", "levers", "overrides"]))
    value = draw(st.sampled_from(["[" * depth + "]" * depth, "{ a = " * depth + "1" + " }" * depth]))
    parts = {**GOOD_SWEEP}
    parts[where] = parts.get(where, "") + f"deep = {value}\n"
    return sweep_text(parts).encode()


@st.composite
def sweep_huge_int(draw: st.DrawFn) -> bytes:
    digits = draw(st.integers(4301, 20_000))
    value = draw(st.sampled_from(["9" * digits, "0x" + "f" * digits]))
    where = draw(st.sampled_from(["points", "replications", "seed", "range"]))
    parts = {**GOOD_SWEEP}
    if where == "range":
        parts["levers"] = f'"court.n_judges" = {{ range = [1, {value}] }}\n'
    else:
        settings = "\n".join(line for line in parts["sweep"].splitlines() if not line.startswith(f"{where} ="))
        parts["sweep"] = settings + f"\n{where} = {value}\n"
    return sweep_text(parts).encode()


@st.composite
def sweep_unknown_key(draw: st.DrawFn) -> bytes:
    key = toml_str(
        draw(KEY_TEXT.filter(lambda k: k not in NAMES and k not in ("sweep", "meta", "overrides", "levers", "uncertainties")))
    )
    where = draw(st.sampled_from(["sweep", "top", "overrides"]))
    parts = {**GOOD_SWEEP}
    if where == "top":
        return (f"{key} = 1\n" + sweep_text(parts)).encode()
    parts[where] = parts[where] + f"{key} = 1\n"
    return sweep_text(parts).encode()


@st.composite
def sweep_meta(draw: st.DrawFn) -> bytes:
    key = draw(st.sampled_from(sorted(NAMES | {"base", "design", "points", "replications", "levers", "overrides"})))
    return sweep_text(GOOD_SWEEP, head=f'[meta]\ndescription = "x"\n{toml_str(key)} = 1\n').encode()


@st.composite
def sweep_inverted_factor(draw: st.DrawFn) -> bytes:
    """A factor whose values are each in bounds but invert a threshold pair at every design point."""
    section, low, high, _ = draw(st.sampled_from(THRESHOLD_ORDER))
    hi_value = draw(st.floats(0, 4))
    lo_value = draw(st.floats(hi_value + 0.01, 10))
    parts = {**GOOD_SWEEP}
    parts["overrides"] += f"{section} = {{ {high} = {hi_value!r} }}\n"
    parts["levers"] = f'"{section}.{low}" = {{ values = [{lo_value!r}] }}\n'
    return sweep_text(parts).encode()


SWEEP_KINDS = {
    "bad_bytes": sweep_bytes(),
    "deep_nesting": sweep_deep(),
    "huge_int": sweep_huge_int(),
    "unknown_key": sweep_unknown_key(),
    "wrong_type_or_range_setting": sweep_bad_setting().map(str.encode),
    "bad_base": sweep_bad_base().map(str.encode),
    "bad_factor": sweep_bad_factor().map(str.encode),
    "override_wrong_type": sweep_overrides(wrong_type()),
    "override_out_of_range": sweep_overrides(out_of_range()),
    "override_inverted_thresholds": sweep_overrides(inverted()),
    "override_bad_incident": sweep_overrides(bad_incident()),
    "meta_key": sweep_meta(),
    "inverted_factor": sweep_inverted_factor(),
}


def sweep_cases() -> st.SearchStrategy[tuple[str, bytes]]:
    return _kinds(SWEEP_KINDS)


# --- the checks ----------------------------------------------------------------------------------------


def _cli(argv: list[str]) -> tuple[int, str]:
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(argv)
    return code, err.getvalue()


def _report(label: str, counts: Counter[str], crashes: list[str]) -> None:
    kinds = sorted({k.split(":", 1)[1] for k in counts if ":" in k})
    print(
        f"\n{label}: tried {counts['tried']}, refused cleanly {counts['refused']}, crashed {counts['crashed']}; "
        f"CLI tried {counts['cli']}, exit 2 without traceback {counts['cli_ok']}"
    )
    print("  by kind: " + ", ".join(f"{k} {counts['kind:' + k]}" for k in kinds))
    assert counts["tried"] >= EXAMPLES
    assert not crashes, f"{len(crashes)} case(s) not refused cleanly, e.g.:\n" + "\n".join(crashes[:5])
    assert counts["refused"] == counts["tried"] and counts["cli_ok"] == counts["cli"] > 0


def _refused(load: Any, path: Path, kind: str, data: bytes, counts: Counter[str], crashes: list[str]) -> bool:
    counts["tried"] += 1
    counts[f"kind:{kind}"] += 1
    try:
        load(path)
    except ScenarioError as exc:
        message = str(exc)
        if str(path) in message and len(message) < MESSAGE_LIMIT:
            counts["refused"] += 1
            return True
        crashes.append(f"{kind}: message without the file or too long ({len(message)}): {message[:200]!r}")
    except BaseException as exc:  # noqa: BLE001 - a crash is what this test looks for
        crashes.append(f"{kind}: {type(exc).__name__}: {str(exc)[:200]} <- {data[:200]!r}")
    else:
        crashes.append(f"{kind}: accepted <- {data[:300]!r}")
    counts["crashed"] = len(crashes)
    return False


def _cli_refuses(command: list[str], path: Path, kind: str, counts: Counter[str], crashes: list[str]) -> None:
    """Through the command line: exit 2, the file named, no traceback, no output folder."""
    out = path.parent / f"out{counts['tried']:05d}"
    code, err = _cli([*command, "--out", str(out)])
    counts["cli"] += 1
    if code == 2 and "Traceback" not in err and str(path) in err and not out.exists():
        counts["cli_ok"] += 1
    else:
        crashes.append(f"{kind}: CLI exit {code}, stderr {err[:300]!r}")


def test_generated_malformed_scenario_files_are_refused(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("scenarios")
    counts: Counter[str] = Counter()
    crashes: list[str] = []

    @SETTINGS
    @given(case=scenario_cases())
    def check(case: tuple[str, bytes]) -> None:
        kind, data = case
        path = folder / f"case{counts['tried']:05d}.toml"
        path.write_bytes(data)
        if _refused(load_scenario, path, kind, data, counts, crashes) and counts["tried"] % CLI_EVERY == 0:
            _cli_refuses(["run", str(path), "--quiet"], path, kind, counts, crashes)

    check()
    _report("scenario files", counts, crashes)


def test_generated_malformed_sweep_files_are_refused(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("sweeps")
    counts: Counter[str] = Counter()
    crashes: list[str] = []

    def refuse(path: Path) -> None:
        # the loader, then (for what only the design shows) the run up to its first write
        out = path.with_suffix(".out")
        sweep = load_sweep(path)
        try:
            run_sweep(sweep, out=out)
        finally:
            assert not out.exists(), "a refused sweep wrote its folder"

    @SETTINGS
    @given(case=sweep_cases())
    def check(case: tuple[str, bytes]) -> None:
        kind, data = case
        path = folder / f"sweep{counts['tried']:05d}.toml"
        path.write_bytes(data)
        if _refused(refuse, path, kind, data, counts, crashes) and counts["tried"] % CLI_EVERY == 0:
            _cli_refuses(["sweep", str(path), "--workers", "1", "--quiet"], path, kind, counts, crashes)

    check()
    _report("sweep files", counts, crashes)
