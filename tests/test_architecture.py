"""The layout's rules (docs/ARCHITECTURE.md): imports point one way, actors meet only through routing, every actor keeps the contract."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, small

from sim.model.actors.base import Actor
from sim.model.chain import ChainModel
from sim.model.ledger import KNOWN_KEYS
from sim.model.params import Params, ScenarioError
from sim.model.results import collect

SIM = ROOT / "sim"
# Each package may import from the packages after it in this order, never from those before.
LAYERS = ("cli", "dashboard", "reports", "experiments", "model")
ACTOR_SECTIONS = ("reporting", "veilig_thuis", "local_team", "raad", "court", "guardians", "care", "initial")


def _imports(path: Path) -> set[str]:
    """Every module a file imports (absolute names), including imports inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "sim" and parts[1] in LAYERS else None


@pytest.mark.parametrize("package", LAYERS[1:])
def test_imports_point_one_way(package: str) -> None:
    higher = set(LAYERS[: LAYERS.index(package)])
    wrong = []
    for path in sorted((SIM / package).rglob("*.py")):
        for module in _imports(path):
            if _layer(module) in higher:
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_the_model_imports_nothing_of_the_package_root() -> None:
    """sim/__init__ re-exports experiments; the model must not depend on it (or on sim.locations)."""
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((SIM / "model").rglob("*.py"))
        for module in _imports(path)
        if module in ("sim", "sim.locations") or (module.startswith("sim.") and not module.startswith("sim.model"))
    ]
    assert not wrong, "\n".join(wrong)


def test_actors_meet_only_through_routing() -> None:
    """No actor module imports another actor or reads another actor's parameter section."""
    actors = sorted((SIM / "model" / "actors").glob("*.py"))
    names = {p.stem for p in actors} - {"__init__", "base"}
    for path in actors:
        text = path.read_text(encoding="utf-8")
        own = ast.parse(text)
        section = next(
            (
                node.value.value
                for node in ast.walk(own)
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "section" for t in node.targets)
                and isinstance(node.value, ast.Constant)
            ),
            None,
        )
        for module in _imports(path):
            assert module.split(".")[-1] not in names - {path.stem} or not module.startswith("sim.model.actors"), (
                f"{path.name} imports {module}"
            )
        for other in ACTOR_SECTIONS:
            if other != section:
                assert f"params.{other}." not in text, f"{path.name} reads params.{other} (route it through sim/model/routing.py)"


def test_chain_model_applies_section_field_keywords_through_validation() -> None:
    model = ChainModel(small(), raad__n_staff=1, guardians__n_guardians=2000)
    assert model.params.raad.n_staff == 1 and len(model.raad.staff) == 1
    assert model.params.guardians.n_guardians == 2000
    with pytest.raises(ScenarioError, match="raad__bogus|raad.bogus"):
        ChainModel(small(), raad__bogus=1)
    with pytest.raises(ScenarioError, match="section__field"):
        ChainModel(small(), scale=0.1)
    with pytest.raises(ScenarioError, match=r"raad.n_staff"):
        ChainModel(small(), raad__n_staff=0)  # out of range: refused like a scenario file


def test_counting_an_unregistered_flow_fails() -> None:
    model = ChainModel(small(years=1, warmup=0))
    model.step()
    model.ledger.count("ots_startz")  # a typo
    assert model.ledger.unknown_keys() == {"ots_startz"}
    with pytest.raises(KeyError, match="ots_startz"):
        collect(model)


def test_every_key_a_stressed_chain_counts_is_registered() -> None:
    """The regression 'stress' scenario runs every actor and lever; each counted key is known."""
    from sim.model.params import load_scenario

    params = load_scenario(ROOT / "scenarios" / "regression" / "stress.toml")
    model = ChainModel(params)
    while model.running:
        model.step()
    counted = set().union(*(set(f) for f in model.ledger.flows.values()))
    assert counted <= KNOWN_KEYS
    assert len(counted) > 60  # the stress scenario really exercises the chain


@pytest.fixture(scope="module")
def running_chain() -> ChainModel:
    model = ChainModel(small(years=2, warmup=1, scale=0.01))
    for _ in range(30):
        model.step()
    return model


def test_every_actor_keeps_the_contract(running_chain: ChainModel) -> None:
    model = running_chain
    assert len(model.actors) == 7
    for actor in model.actors:
        assert isinstance(actor, Actor)
        assert actor.section in Params.model_fields, f"{type(actor).__name__}.section is not a parameter section"
        assert actor.p is getattr(model.params, actor.section)
        assert actor.rng is model.streams[actor.stream or actor.section]
        assert actor.routes is model.routes and actor.ledger is model.ledger and actor.judgement is model.judgement


def test_closing_every_case_leaves_no_actor_holding_anything(running_chain: ChainModel) -> None:
    """release() of every actor together frees all a case held: closing is a loop over actors."""
    import copy

    model = copy.deepcopy(running_chain)
    assert len(model.cases) > 100
    for case in sorted(model.cases.values(), key=lambda c: c.unique_id):
        model.close_case(case)
    assert not model.cases
    queues = [model.veilig_thuis.investigations, model.local_team.home_help, model.raad.investigations]
    queues += [model.guardians.caseloads, model.care.waiting, *model.care.places.values()]
    for queue in queues:
        assert len(queue) == 0 and not queue.in_service, queue.name
    assert not model.court.requests and not model.raad.authority_cases
    assert np.all(np.isinf(model.local_team.help_ends.at)) and np.all(np.isinf(model.local_team.reviews.at))
    pop = model.population
    assert not pop.state.any() and not pop.legal.any() and not pop.setting.any()
    assert math.isclose(float(pop.relief.sum()), 0.0)


def test_the_command_line_imports_a_commands_code_only_when_it_runs(tmp_path):
    """``--help``, ``params`` and a refused scenario file need neither the model, Mesa nor pandas (benchmarks/bench_cli_start.py)."""
    import subprocess
    import sys

    typo = tmp_path / "typo.toml"
    typo.write_text("[raad]\nn_staf = 1000\n")
    probe = (
        "import sys\n"
        "from sim.cli import main\n"
        "main(['params', 'raad.n_staff'])\n"
        f"assert main(['compare', 'scenarios/baseline.toml', {str(typo)!r}]) == 2\n"
        "heavy = sorted(m for m in ('mesa', 'pandas', 'plotly', 'sim.model.chain', 'sim.cli.runs') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out, out
