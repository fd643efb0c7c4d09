"""`ketensim params [SECTION|KEY] [--role]`: filtering, roles, allowed values; what a scenario changes."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS

from sim.cli import main
from sim.model.params import ROLES, Params, allowed, iter_fields, load_scenario, policy_changes, role

FIELDS = dict(iter_fields())


def _params(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["params", *args])
    out, err = capsys.readouterr()
    keys = [line.split(" = ", 1)[0] for line in out.splitlines() if " = " in line and not line.startswith(" ")]
    return code, keys, out + err


def test_a_section_lists_its_keys_only_with_allowed_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, keys, out = _params(capsys, "regelreflex")
    assert code == 0
    assert keys == [name for name in FIELDS if name.startswith("regelreflex.")]
    assert 'allowed: a list of { year = int in [2000, 2100], kind = "harm" | "scandal" }' in out  # the incident kinds
    assert "regelreflex.incidents = []  [event]" in out


def test_a_key_lists_that_key_with_its_role(capsys: pytest.CaptureFixture[str]) -> None:
    code, keys, out = _params(capsys, "raad.n_staff")
    assert code == 0 and keys == ["raad.n_staff"]
    assert "raad.n_staff = 1300  [capacity]" in out and "allowed: int in [1, 100000]" in out


def test_role_filter_lists_only_that_role(capsys: pytest.CaptureFixture[str]) -> None:
    code, keys, _ = _params(capsys, "--role", "lever")
    assert code == 0 and "contradiction.second_assessor_share" in keys
    assert keys == [name for name, info in FIELDS.items() if role(info) == "lever"]
    _, keys, _ = _params(capsys, "contradiction", "--role", "uncertainty")
    assert keys == ["contradiction.legal_aid_anchoring_cut", "contradiction.legal_aid_information"]


def test_an_unknown_section_or_key_is_refused_with_exit_2_and_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, keys, out = _params(capsys, "raad.n_staf")
    assert code == 2 and keys == []
    assert "did you mean raad.n_staff?" in out and "Traceback" not in out


def test_every_role_is_used_and_capacities_are_staff_or_places() -> None:
    roles = {role(info) for info in FIELDS.values()}
    assert roles == set(ROLES)
    for name, info in FIELDS.items():
        if role(info) == "capacity":
            key = name.split(".", 1)[1]
            assert key.startswith(("n_", "max_caseload")) or key.endswith("_capacity"), name
    assert all(role(info) == "setting" for name, info in FIELDS.items() if name.startswith("run."))


def test_allowed_names_types_ranges_and_values() -> None:
    assert allowed(FIELDS["run.scale"]) == "float in [0.0005, 1]"
    assert allowed(FIELDS["contradiction.second_assessor_at"]) == 'a list of "vt" | "local_team" | "raad" | "court" | "gi"'
    assert allowed(FIELDS["shock.enabled"]) == "bool"


def test_policy_changes_are_the_levers_capacities_and_events_a_scenario_sets() -> None:
    assert policy_changes(Params()) == []
    assert policy_changes(load_scenario(SCENARIOS / "baseline.toml")) == []
    assert policy_changes(Params().with_overrides({"run": {"scale": 0.01}, "decisions": {"case_noise_sd": 0.5}})) == []
    assert policy_changes(load_scenario(SCENARIOS / "staff_shortage.toml")) == ["raad.n_staff", "guardians.n_guardians"]
    for path in sorted(SCENARIOS.glob("*.toml")):
        if path.stem != "baseline":
            assert policy_changes(load_scenario(path)), f"{path.name} changes no lever, capacity or event"
