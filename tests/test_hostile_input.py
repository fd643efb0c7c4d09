"""Hostile input never crashes (issue 15): each hand case is refused with a ScenarioError naming the file.

The generated cases are in ``test_hostile_generated.py``; these are the known crashes and limits one by one.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sweep_util import LHS, TWO_LEVERS, write_sweep

from sim.experiments.sweeps import load_sweep
from sim.model.params import ScenarioError, load_scenario
from sim.model.params.scenario import MAX_DEPTH, MAX_FILE_BYTES, read_toml, short

MESSAGE_LIMIT = 10_000  # characters; a refusal is a few lines


def _refusal(load, path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load(path)
    message = str(info.value)
    assert str(path) in message
    assert len(message) < MESSAGE_LIMIT
    return message


def _bytes(tmp_path: Path, data: bytes, name: str = "x.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


LOADERS = {"scenario": load_scenario, "sweep": load_sweep}


@pytest.mark.parametrize("loader", list(LOADERS))
def test_latin1_byte_is_not_utf8(tmp_path: Path, loader: str) -> None:
    message = _refusal(LOADERS[loader], _bytes(tmp_path, b"# r\xe9gel\n"))
    assert "not UTF-8" in message
    assert "0xe9" in message


@pytest.mark.parametrize("loader", list(LOADERS))
def test_thousand_deep_array_is_refused(tmp_path: Path, loader: str) -> None:
    path = _bytes(tmp_path, b"a = " + b"[" * 1000 + b"]" * 1000 + b"\n")
    assert "nested too deeply" in _refusal(LOADERS[loader], path)


@pytest.mark.parametrize("loader", list(LOADERS))
def test_deep_dotted_key_that_parses_is_refused(tmp_path: Path, loader: str) -> None:
    # tomllib parses 3,000 dotted parts without recursion; the depth check catches it
    path = _bytes(tmp_path, b"a." * 3000 + b"b = 1\n")
    assert f"at most {MAX_DEPTH} levels" in _refusal(LOADERS[loader], path)


@pytest.mark.parametrize("loader", list(LOADERS))
def test_five_thousand_digit_integer(tmp_path: Path, loader: str) -> None:
    path = _bytes(tmp_path, b"[run]\nseed = " + b"7" * 5000 + b"\n")
    message = _refusal(LOADERS[loader], path)
    assert "number too long" in message
    assert "set_int_max_str_digits" not in message  # Python's advice is no use to someone writing a scenario


def test_huge_hex_integer_is_named_without_printing_it(tmp_path: Path) -> None:
    # hex literals escape the int-string limit when parsed, but printing one would raise
    message = _refusal(load_scenario, _bytes(tmp_path, b"[run]\nseed = 0x" + b"f" * 5000 + b"\n"))
    assert "run.seed" in message
    assert "bits" in message


@pytest.mark.parametrize("loader", list(LOADERS))
def test_fifo_is_refused_without_hanging(tmp_path: Path, loader: str) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    result: list[BaseException | None] = []

    def attempt() -> None:
        try:
            LOADERS[loader](fifo)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            result.append(exc)
        else:
            result.append(None)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the reader so the thread can end, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert isinstance(result[0], ScenarioError)
    assert "not a regular file" in str(result[0])
    assert str(fifo) in str(result[0])


@pytest.mark.parametrize("loader", list(LOADERS))
def test_folder_is_refused(tmp_path: Path, loader: str) -> None:
    folder = tmp_path / "a_folder.toml"
    folder.mkdir()
    assert "it is a folder" in _refusal(LOADERS[loader], folder)


@pytest.mark.parametrize("loader", list(LOADERS))
def test_file_over_the_size_limit(tmp_path: Path, loader: str) -> None:
    path = _bytes(tmp_path, b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    assert "too large" in _refusal(LOADERS[loader], path)


def test_file_just_under_the_size_limit_is_read(tmp_path: Path) -> None:
    path = _bytes(tmp_path, b"#" * (MAX_FILE_BYTES - 1) + b"\n")
    assert read_toml(path) == {}


def test_five_million_character_key_gives_a_short_message(tmp_path: Path) -> None:
    # under the size limit: a 900,000-character key and a 90,000-character value
    path = _bytes(tmp_path, b'[run]\n"' + b"k" * 900_000 + b'" = 1\n[contradiction]\nvoice = "' + b"v" * 90_000 + b'"\n')
    message = _refusal(load_scenario, path)
    assert "unknown key 'run.kkkk" in message
    assert "…" in message
    assert "contradiction.voice" in message
    assert len(message) < 1000


def test_five_million_character_key_through_the_api_gives_a_short_message() -> None:
    from sim.model.params import Params

    with pytest.raises(ScenarioError) as info:
        Params().with_overrides({"run": {"k" * 5_000_000: 1}})
    assert len(str(info.value)) < 1000


def test_many_errors_are_counted_not_all_listed(tmp_path: Path) -> None:
    path = _bytes(tmp_path, ("[run]\n" + "".join(f"k{i} = 1\n" for i in range(500))).encode())
    message = _refusal(load_scenario, path)
    assert "and 480 more" in message


def test_nul_in_a_sweeps_base_path(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, LHS, TWO_LEVERS)
    text = path.read_text(encoding="utf-8")
    start = text.index('base = "') + len('base = "')
    path.write_text(text[:start] + "base\\u0000.toml" + text[text.index('"', start) :], encoding="utf-8")
    message = _refusal(load_sweep, path)
    assert "sweep.base" in message
    assert "NUL" in message
    assert "\0" not in message  # escaped, not written to the terminal


def test_nul_in_a_file_name_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError, match="NUL"):
        read_toml("bad\0name.toml")


def test_short_cuts_and_escapes() -> None:
    assert short("x" * 500, 10) == "x" * 9 + "…"
    assert short("a\0b") == "a\\x00b"
    assert short("abc", quote=True) == "'abc'"
    assert "bits" in short(16**5000)


# --- rules across fields (sim/model/params/rules.py) -------------------------------------------------

RULE_CASES = {
    # id: (scenario text, words the message must hold)
    "vt_help_above_investigate": (
        "[veilig_thuis]\nhelp_threshold = 1.8\ninvestigate_threshold = 1.7\nraad_threshold = 1.9\n",
        ["veilig_thuis.help_threshold 1.8 exceeds veilig_thuis.investigate_threshold 1.7"],
    ),
    "vt_help_above_raad": (
        "[veilig_thuis]\nhelp_threshold = 1.66\n",
        ["veilig_thuis.help_threshold 1.66 exceeds veilig_thuis.raad_threshold 1.65"],
    ),
    "home_help_above_voluntary_placement": (
        "[local_team]\nhome_help_threshold = 2.5\n",
        ["local_team.home_help_threshold 2.5 exceeds local_team.voluntary_placement_threshold 2.1"],
    ),
    "raad_request_above_placement_request": (
        "[raad]\nrequest_threshold = 2.0\nplacement_request_threshold = 1.9\n",
        ["raad.request_threshold 2.0 exceeds raad.placement_request_threshold 1.9"],
    ),
    "raad_request_above_emergency": (
        "[raad]\nemergency_threshold = 1.5\n",
        ["raad.request_threshold 1.85 exceeds raad.emergency_threshold 1.5"],
    ),
    "court_grant_above_placement_grant": (
        "[court]\ngrant_threshold = 2.4\nguardianship_grant_threshold = 2.5\n",
        ["court.grant_threshold 2.4 exceeds court.placement_grant_threshold 2.3"],
    ),
    "court_grant_above_guardianship_grant": (
        "[court]\ngrant_threshold = 1.7\n",
        ["court.grant_threshold 1.7 exceeds court.guardianship_grant_threshold 1.6"],
    ),
    "gi_end_above_guardianship": (
        "[guardians]\nend_threshold = 2.1\n",
        ["guardians.end_threshold 2.1 exceeds guardians.guardianship_threshold 1.95"],
    ),
    "meta_holds_a_parameter": ('[meta]\ndescription = "ok"\nvoice = 0.9\n', ["meta.voice", "parameter name"]),
    "meta_holds_a_section": ("[meta]\nrun = 1\n", ["meta.run"]),
    "meta_holds_a_dotted_name": ('[meta]\n"contradiction.voice" = 0.9\n', ["meta.contradiction.voice"]),
    "empty_incident": ("[regelreflex]\nincidents = [{}]\n", ["regelreflex.incidents[0] lacks year and kind"]),
    "incident_without_kind": ("[regelreflex]\nincidents = [{ year = 2019 }]\n", ["regelreflex.incidents[0] lacks kind"]),
    "incident_without_year": ('[regelreflex]\nincidents = [{ kind = "harm" }]\n', ["regelreflex.incidents[0] lacks year"]),
    "incident_after_the_run": (
        '[regelreflex]\nincidents = [{ year = 2019, kind = "harm" }, { year = 2030, kind = "harm" }]\n',
        ["regelreflex.incidents[1].year 2030 is outside the simulated years 2013-2025"],
    ),
    "incident_before_the_warmup": (
        '[run]\nwarmup_years = 0\n[regelreflex]\nincidents = [{ year = 2015, kind = "scandal" }]\n',
        ["regelreflex.incidents[0].year 2015 is outside the simulated years 2016-2025"],
    ),
}


@pytest.mark.parametrize("case", list(RULE_CASES))
def test_cross_field_rule_refuses_the_file(tmp_path: Path, case: str) -> None:
    text, words = RULE_CASES[case]
    message = _refusal(load_scenario, _bytes(tmp_path, text.encode()))
    for word in words:
        assert word in message


def test_equal_thresholds_and_edge_years_are_allowed(tmp_path: Path) -> None:
    text = (
        "[veilig_thuis]\nhelp_threshold = 1.65\n[local_team]\nhome_help_threshold = 2.1\n"
        '[regelreflex]\nincidents = [{ year = 2013, kind = "harm" }, { year = 2025, kind = "scandal" }]\n'
        '[meta]\ndescription = "edge"\nlever = "baseline"\n'
    )
    params = load_scenario(_bytes(tmp_path, text.encode()))
    assert params.veilig_thuis.help_threshold == params.veilig_thuis.raad_threshold
    assert [i.year for i in params.regelreflex.incidents] == [2013, 2025]


def test_all_rule_violations_are_listed_together(tmp_path: Path) -> None:
    text = "[veilig_thuis]\nhelp_threshold = 2.0\n[guardians]\nend_threshold = 2.1\n[regelreflex]\nincidents = [{}]\n"
    message = _refusal(load_scenario, _bytes(tmp_path, text.encode()))
    assert message.count("\n  - ") == 4  # investigate, raad, guardians, incident


def test_rules_hold_in_the_python_api() -> None:
    from pydantic import ValidationError

    from sim.model.params import IncidentEvent, LocalTeamParams, Params, RegelreflexParams

    with pytest.raises(ScenarioError, match="veilig_thuis.help_threshold 2.0 exceeds"):
        Params().with_overrides({"veilig_thuis": {"help_threshold": 2.0}})
    with pytest.raises(ValidationError, match="home_help_threshold 3.0 exceeds"):
        Params(local_team=LocalTeamParams(home_help_threshold=3.0))
    with pytest.raises(ValidationError, match="lacks year and kind"):
        Params(regelreflex=RegelreflexParams(incidents=[IncidentEvent()]))
    ok = Params(regelreflex=RegelreflexParams(incidents=[IncidentEvent(year=2019, kind="harm")]))
    assert Params.model_validate(ok.model_dump()) == ok  # a dumped Params validates again


def test_rules_hold_at_the_defaults_and_across_the_calibration_ranges() -> None:
    from sim.experiments.calibration import FREE
    from sim.model.params import Params
    from sim.model.params.rules import THRESHOLD_ORDER

    free = {f.name: f for f in FREE}
    defaults = Params()
    for section, low, high, _ in THRESHOLD_ORDER:
        lo_name, hi_name = f"{section}.{low}", f"{section}.{high}"
        lo_max = free[lo_name].high if lo_name in free else getattr(getattr(defaults, section), low)
        hi_min = free[hi_name].low if hi_name in free else getattr(getattr(defaults, section), high)
        assert lo_max <= hi_min, (lo_name, hi_name)


@pytest.mark.parametrize("key", ["voice", "points", "levers", "run.scale"])
def test_sweep_meta_holding_a_setting_is_refused(tmp_path: Path, key: str) -> None:
    path = write_sweep(tmp_path, LHS, TWO_LEVERS)
    path.write_text(f'[meta]\ndescription = "x"\n"{key}" = 1\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert f"meta.{key}" in _refusal(load_sweep, path)


def test_sweep_override_breaking_a_rule_is_refused(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, LHS, TWO_LEVERS, overrides="raad = { emergency_threshold = 1.0 }")
    assert "raad.request_threshold 1.85 exceeds raad.emergency_threshold 1.0" in _refusal(load_sweep, path)


# --- the command line: --out checked before any work, exit 2, no traceback ------------------------------

TINY_SCENARIO = "[run]\nyears = 1\nwarmup_years = 0\nscale = 0.0005\n"


def _commands(scenario: Path, out: Path) -> dict[str, list[str]]:
    return {
        "run": ["run", str(scenario), "--quiet", "--out", str(out)],
        "compare": ["compare", str(scenario), str(scenario), "--quiet", "--reps", "2", "--out", str(out)],
        "validate": ["validate", str(scenario), "--quiet", "--no-experiments", "--reps", "2", "--out", str(out)],
        "vignettes": ["vignettes", str(scenario), "--cases", "50", "--raters", "2", "--months", "1", "--out", str(out)],
        "calibrate": ["calibrate", str(scenario), "--quiet", "--trials", "1", "--reps", "1", "--workers", "1", "--out", str(out)],
    }


@pytest.mark.parametrize("inside", [False, True], ids=["out_is_a_file", "out_inside_a_file"])
@pytest.mark.parametrize("command", ["run", "compare", "validate", "vignettes", "calibrate"])
def test_out_that_is_a_file_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str, inside: bool
) -> None:
    import sim.experiments.runs
    from sim.cli import main

    def no_runs(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("simulated before checking --out")

    for name in ("run_once", "replicate"):
        monkeypatch.setattr(sim.experiments.runs, name, no_runs)
    scenario = _bytes(tmp_path, TINY_SCENARIO.encode(), "tiny.toml")
    blocker = tmp_path / "results_file"
    blocker.write_text("keep\n", encoding="utf-8")
    out = blocker / "sub" if inside else blocker
    assert main(_commands(scenario, out)[command]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "results_file" in err and "choose another --out" in err
    assert blocker.read_text(encoding="utf-8") == "keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results_file", "tiny.toml"]


def test_a_failed_write_leaves_no_new_folder(tmp_path: Path) -> None:
    from sim.cli.common import write_atomically

    out = tmp_path / "new" / "results"

    def broken(folder: Path) -> None:
        (folder / "half.parquet").write_bytes(b"PAR1")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(out, broken)
    assert not (tmp_path / "new").exists()  # nor the folder above it that the run made


def test_a_failed_write_leaves_an_existing_folder_as_it_was(tmp_path: Path) -> None:
    from sim.cli.common import write_atomically

    out = tmp_path / "results"
    out.mkdir()
    (out / "keep.txt").write_text("earlier\n", encoding="utf-8")

    def broken(folder: Path) -> None:
        (folder / "summary.parquet").write_bytes(b"PAR1")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomically(out, broken)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize(
    "data",
    [b"# r\xe9gel\n", b"a = " + b"[" * 1000 + b"]" * 1000, b"[run]\nseed = " + b"9" * 5000, b"[meta]\nvoice = 0.9\n"],
    ids=["latin1", "deep", "huge_int", "meta_key"],
)
def test_cli_run_refuses_hand_cases_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    from sim.cli import main

    path = _bytes(tmp_path, data)
    out = tmp_path / "out"
    assert main(["run", str(path), "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ketensim: {path}") and "Traceback" not in err
    assert not out.exists()


def test_a_sweep_base_name_too_long_for_the_system(tmp_path: Path) -> None:
    # found by the generated cases: resolve() raised OSError ENAMETOOLONG
    path = write_sweep(tmp_path, LHS, TWO_LEVERS)
    text = path.read_text(encoding="utf-8")
    start = text.index('base = "') + len('base = "')
    path.write_text(text[:start] + "x" * 5000 + text[text.index('"', start) :], encoding="utf-8")
    message = _refusal(load_sweep, path)
    assert "sweep.base" in message and "cannot use as a file name" in message


def test_morris_levels_outside_a_morris_design_is_refused(tmp_path: Path) -> None:
    # found by the generated cases: it was accepted and ignored (second_order already was refused)
    path = write_sweep(tmp_path, LHS + "\nmorris_levels = 4", TWO_LEVERS)
    assert "sweep.morris_levels' is only for the morris design" in _refusal(load_sweep, path)
