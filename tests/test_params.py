"""The parameter object: defaults, documentation of every field, TOML round trip, scenario errors."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sim.model.params import IncidentEvent, Params, ScenarioError, iter_fields, load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _bounds(info: Any) -> tuple[float | None, float | None]:
    lo = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    hi = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    return lo, hi


def _field_info(dotted: str) -> Any:
    return dict(iter_fields())[dotted]


def _default(dotted: str) -> Any:
    section, key = dotted.split(".", 1)
    return Params().model_dump()[section][key]


def _write(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


def _toml_float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


# --- defaults and documentation -------------------------------------------------------------------

LEAVES = iter_fields()
LEAF_NAMES = [name for name, _ in LEAVES]
BOUNDED = [(name, info) for name, info in LEAVES if any(b is not None for b in _bounds(info))]


def test_defaults_validate() -> None:
    params = Params()
    again = Params.model_validate(params.model_dump())
    assert again == params
    # also through the strict JSON-mode dump, as scenario files arrive
    assert Params.model_validate(params.model_dump(mode="json")) == params


def test_iter_fields_lists_every_section_leaf() -> None:
    assert len(LEAF_NAMES) == len(set(LEAF_NAMES))
    sections = {name.split(".", 1)[0] for name in LEAF_NAMES}
    assert sections == set(Params.model_fields) - {"timeline"}  # dated values of the leaves, not a section
    assert "contradiction.second_assessor_share" in LEAF_NAMES
    assert "run.scale" in LEAF_NAMES
    # no leaf is itself a parameter section
    for _, info in LEAVES:
        ann = info.annotation
        assert not (isinstance(ann, type) and issubclass(ann, BaseModel))


DOCUMENTED = LEAVES + iter_fields(IncidentEvent, "regelreflex.incidents[].")


@pytest.mark.parametrize(("name", "info"), DOCUMENTED, ids=[n for n, _ in DOCUMENTED])
def test_every_leaf_has_description_and_source(name: str, info: Any) -> None:
    assert isinstance(info.description, str) and info.description.strip(), f"{name}: empty description"
    extra = info.json_schema_extra or {}
    source = extra.get("source") if isinstance(extra, dict) else None
    assert isinstance(source, str) and source.strip(), f"{name}: empty source"


@pytest.mark.parametrize(("name", "info"), BOUNDED, ids=[n for n, _ in BOUNDED])
def test_bounded_default_inside_bounds(name: str, info: Any) -> None:
    lo, hi = _bounds(info)
    value = _default(name)
    assert isinstance(value, (int, float)) and not isinstance(value, bool), name
    if lo is not None:
        assert value >= lo, f"{name}: default {value} below {lo}"
    if hi is not None:
        assert value <= hi, f"{name}: default {value} above {hi}"
    if lo is not None and hi is not None:
        assert lo < hi, f"{name}: empty range [{lo}, {hi}]"


def test_numeric_fields_are_bounded() -> None:
    unbounded = [name for name, info in LEAVES if info.annotation in (int, float) and _bounds(info) == (None, None)]
    assert unbounded == []


# --- TOML round trip -------------------------------------------------------------------------------


def test_to_toml_round_trips_defaults(tmp_path: Path) -> None:
    params = Params()
    path = _write(tmp_path, params.to_toml(), "params.toml")
    loaded = load_scenario(path)
    assert loaded == params
    assert loaded.model_dump() == params.model_dump()


def test_to_toml_round_trips_non_defaults(tmp_path: Path) -> None:
    params = Params().with_overrides(
        {
            "run": {"seed": 2**63 - 1, "scale": 0.0005, "years": 6},  # 2013-2021: the incidents fall inside
            "population": {"p_debt_onset": 1e-05, "n_minors": 10_000_000},
            "outcomes": {"placement_benefit_adolescent": -2.5},
            "shock": {"enabled": True},
            "regelreflex": {"incidents": [{"year": 2019, "kind": "scandal"}, {"year": 2021, "kind": "harm"}]},
        }
    )
    assert params != Params()
    path = _write(tmp_path, params.to_toml(), "params.toml")
    loaded = load_scenario(path)
    assert loaded == params
    assert loaded.regelreflex.incidents == [IncidentEvent(year=2019, kind="scandal"), IncidentEvent(year=2021, kind="harm")]
    assert loaded.shock.enabled is True
    assert loaded.run.seed == 2**63 - 1


def test_load_scenario_applies_overrides_and_keeps_other_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path, "[run]\nyears = 3\n\n[contradiction]\nvoice = 0.75\n")
    params = load_scenario(path)
    assert params.run.years == 3
    assert params.contradiction.voice == 0.75
    assert params.run.scale == Params().run.scale
    assert params.contradiction.legal_aid_share == Params().contradiction.legal_aid_share


def test_meta_table_is_accepted_and_ignored(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[meta]\ndescription = "a test scenario"\nauthor = "me"\nanything = 3\n\n[run]\nyears = 4\n',
    )
    params = load_scenario(path)
    assert params == Params().with_overrides({"run": {"years": 4}})


def test_meta_only_gives_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path, '[meta]\ndescription = "nothing changed"\n')
    assert load_scenario(path) == Params()


def test_integer_literal_accepted_for_float_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "[contradiction]\nsecond_assessor_share = 1\n")
    params = load_scenario(path)
    assert params.contradiction.second_assessor_share == 1.0


# --- refused scenario files ------------------------------------------------------------------------

BAD_FILES = [
    # id, file text, dotted key expected in the message
    ("unknown_key", "[run]\nyeers = 3\n", "run.yeers"),
    ("unknown_key_other_section", "[contradiction]\nvoice = 0.2\nsecond_opinion = 1.0\n", "contradiction.second_opinion"),
    ("unknown_section", "[runn]\nyears = 3\n", "runn"),
    ("string_for_float", '[run]\nscale = "0.1"\n', "run.scale"),
    ("float_for_int", "[run]\nyears = 2.5\n", "run.years"),
    ("whole_float_for_int", "[run]\nyears = 2.0\n", "run.years"),
    ("string_for_bool", '[shock]\nenabled = "true"\n', "shock.enabled"),
    ("int_for_bool", "[shock]\nenabled = 1\n", "shock.enabled"),
    ("below_ge", "[contradiction]\nsecond_assessor_share = -0.1\n", "contradiction.second_assessor_share"),
    ("above_le", "[contradiction]\nsecond_assessor_share = 1.5\n", "contradiction.second_assessor_share"),
    ("int_below_ge", "[run]\nyears = 0\n", "run.years"),
    ("int_above_le", "[run]\nyears = 51\n", "run.years"),
    ("scale_above_le", "[run]\nscale = 2.0\n", "run.scale"),
]


@pytest.mark.parametrize(("text", "key"), [(t, k) for _, t, k in BAD_FILES], ids=[i for i, _, _ in BAD_FILES])
def test_bad_file_names_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = _write(tmp_path, text, "bad_scenario.toml")
    message = _error(path)
    assert str(path) in message
    assert key in message


def test_unknown_key_lists_allowed_keys(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "[run]\nyeers = 3\n"))
    assert "unknown key 'run.yeers'" in message
    assert "years" in message.split("run.yeers", 1)[1]


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("contradiction.second_assessor_share", -0.1),
        ("contradiction.second_assessor_share", 1.5),
        ("run.scale", 0.0001),
        ("run.scale", 1.01),
        ("run.years", 0),
        ("run.years", 51),
        ("decisions.anchoring", 1.2),
        ("outcomes.placement_benefit_young", -3.5),
    ],
)
def test_out_of_range_message_gives_range(tmp_path: Path, key: str, bad: float) -> None:
    section, name = key.split(".")
    path = _write(tmp_path, f"[{section}]\n{name} = {bad!r}\n")
    message = _error(path)
    lo, hi = _bounds(_field_info(key))
    assert str(path) in message
    assert key in message
    assert f"[{lo}, {hi}]" in message


def test_out_of_range_message_mentions_zero_lower_bound(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "[contradiction]\nsecond_assessor_share = -0.5\n"))
    assert "[0" in message


def test_malformed_toml_names_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "[run\nyears = 3\n")
    message = _error(path)
    assert str(path) in message
    assert "TOML" in message


def test_malformed_value_names_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "[run]\nyears = = 3\n")
    assert str(path) in _error(path)


def test_missing_file_names_file(tmp_path: Path) -> None:
    path = tmp_path / "does_not_exist.toml"
    message = _error(path)
    assert str(path) in message


def test_directory_instead_of_file_is_scenario_error(tmp_path: Path) -> None:
    assert str(tmp_path) in _error(tmp_path)


def test_several_errors_all_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "[run]\nyears = 0\nscale = 5.0\n[contradiction]\nvoice = -1.0\n")
    message = _error(path)
    for key in ("run.years", "run.scale", "contradiction.voice"):
        assert key in message


def test_scenario_error_is_value_error() -> None:
    assert issubclass(ScenarioError, ValueError)


# --- property-based: out-of-range floats are refused, in-range accepted ----------------------------

FLOAT_KEYS = [
    "contradiction.second_assessor_share",
    "run.scale",
    "decisions.anchoring",
    "regelreflex.strength",
    "outcomes.placement_benefit_young",
]


def _out_of_range(key: str) -> st.SearchStrategy[float]:
    lo, hi = _bounds(_field_info(key))
    return st.one_of(
        st.floats(max_value=lo, exclude_max=True, allow_nan=False),
        st.floats(min_value=hi, exclude_min=True, allow_nan=False),
    )


def _in_range(key: str) -> st.SearchStrategy[float]:
    lo, hi = _bounds(_field_info(key))
    return st.floats(min_value=lo, max_value=hi, allow_nan=False)


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_out_of_range_floats_refused(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(FLOAT_KEYS), label="key")
    value = data.draw(_out_of_range(key), label="value")
    section, name = key.split(".")
    path = _write(tmp_path_factory.mktemp("oor"), f"[{section}]\n{name} = {_toml_float(value)}\n")
    message = _error(path)
    lo, hi = _bounds(_field_info(key))
    assert str(path) in message
    assert key in message
    assert f"[{lo}, {hi}]" in message


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_in_range_floats_accepted(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(FLOAT_KEYS), label="key")
    value = data.draw(_in_range(key), label="value")
    section, name = key.split(".")
    path = _write(tmp_path_factory.mktemp("ok"), f"[{section}]\n{name} = {_toml_float(value)}\n")
    params = load_scenario(path)
    assert getattr(getattr(params, section), name) == value


def test_nan_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "[contradiction]\nsecond_assessor_share = nan\n")
    assert "contradiction.second_assessor_share" in _error(path)


def test_rules_across_keys_are_enforced(tmp_path):
    bad = tmp_path / "thresholds.toml"
    bad.write_text("[population]\nconcern_threshold = 5.0\n")
    with pytest.raises(ScenarioError, match=r"(?s)thresholds.toml.*concern_threshold < serious_threshold"):
        load_scenario(bad)
    shock = tmp_path / "shock.toml"
    shock.write_text("[shock]\nenabled = true\nstart_year = 2040\n")
    with pytest.raises(ScenarioError, match=r"(?s)shock.toml.*outside the simulated years"):
        load_scenario(shock)
    early = tmp_path / "early.toml"
    early.write_text("[shock]\nenabled = true\nstart_year = 2017\nduration_years = 4.0\ncompensation_year = 2019\n")
    with pytest.raises(ScenarioError, match=r"(?s)early.toml.*compensation_year 2019 falls before the shock ends"):
        load_scenario(early)


# --- every copy and update path validates (pydantic's model_copy alone does not) --------------


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.model_copy(update={"run": p.run.model_copy(update={"scale": 5.0})}),
        lambda p: p.model_copy(update={"run": {"scale": 5.0}}),
        lambda p: p.run.model_copy(update={"scale": 5.0}),
        lambda p: p.run.model_copy(update={"scale": 5.0}, deep=True),
        lambda p: p.run.__replace__(scale=5.0),  # what copy.replace calls (Python 3.13)
        lambda p: p.copy(update={"run": {"scale": 5.0}}),  # pydantic v1's deprecated copy
    ],
    ids=["nested", "section-dict", "section", "deep", "replace", "v1-copy"],
)
def test_copy_with_an_out_of_range_update_is_refused_naming_the_key(make: Any) -> None:
    with pytest.raises(ScenarioError, match=r"scale' = 5\.0.*allowed: float in \[0\.0005, 1\.0\]"):
        make(Params())


def test_copy_refuses_unknown_keys_and_broken_rules_across_keys() -> None:
    params = Params()
    with pytest.raises(ScenarioError, match="unknown key 'bogus'"):
        params.raad.model_copy(update={"bogus": 1})
    too_high = params.veilig_thuis.model_copy(update={"help_threshold": 3.0})  # fine within its own section
    with pytest.raises(ScenarioError, match="help_threshold 3.0 exceeds veilig_thuis.investigate_threshold"):
        params.model_copy(update={"veilig_thuis": too_high})
    with pytest.raises(TypeError, match="include"):
        params.copy(include={"run"})


def test_copy_with_a_valid_update_is_the_same_as_with_overrides() -> None:
    params = Params()
    copied = params.model_copy(update={"run": params.run.model_copy(update={"scale": 0.01})})
    assert copied == params.with_overrides({"run": {"scale": 0.01}})
    assert params.model_copy() == params and params.model_copy(deep=True) == params
