"""The model's state as JSON plus numpy arrays: a codec for snapshots that never uses pickle.

:func:`encode` walks the object graph from the model and writes what it finds as tagged
JSON: plain data as itself, containers tagged with their kind, numpy arrays as separate
``.npy`` arrays, random generators as their bit generator's state, and the model's own
objects (cases, actors, queues, ...) as their class name and attributes. An object met
twice is written once and then referred to by number, so shared references stay shared
(an actor's random stream *is* the model's stream; the ledger's counter for this year *is*
one of its yearly counters) and cycles close.

:func:`decode` builds only what it allows: plain data, numpy arrays (read with
``allow_pickle=False``) and generators, and the classes and functions of ``sim.model``,
made with ``cls.__new__`` and given their attributes (no ``__init__``, no other code runs).
A method is written as its object and name and looked up on the class again. Anything
else met while encoding (a lambda, a foreign object) is an error naming where it was.

A class may name attributes that are not state (``__snapshot_skip__``) and rebuild them
after loading (``_restored()``); the model's events do (:class:`~sim.model.events.PendingEnds`).
"""

from __future__ import annotations

import importlib
import inspect
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from enum import Enum
from types import MethodType
from typing import Any

import numpy as np
from pydantic import BaseModel

PACKAGE = "sim.model."  # the only package whose classes and functions a snapshot may name
FACTORIES: dict[str, Callable[[], Any]] = {"list": list, "dict": dict, "int": int, "float": float, "set": set, "Counter": Counter}


class CodecError(ValueError):
    """State that cannot be written, or a file whose state cannot be read."""


def factory(func: Callable[[], Any]) -> Callable[[], Any]:
    """Mark a module-level function of sim.model as a ``defaultdict`` factory a snapshot may name.

    A file names its factories and the decoder calls them, so it calls only those marked here
    (and the builtins in :data:`FACTORIES`), never any other function a hand-made file names.
    """
    func.__snapshot_factory__ = True  # type: ignore[attr-defined]
    return func


def _is_factory(func: Any) -> bool:
    return inspect.isfunction(func) and getattr(func, "__snapshot_factory__", False) is True


def _qualified(obj: Any) -> str:
    return f"{obj.__module__}:{obj.__qualname__}"


def _in_package(obj: Any) -> bool:
    return getattr(obj, "__module__", "").startswith(PACKAGE)


def params_paths(params: BaseModel) -> Iterator[tuple[int, list[str | int]]]:
    """``(id, path)`` of every parameter object inside ``params`` (sections, entries), itself as ``[]``."""
    stack: list[tuple[Any, list[str | int]]] = [(params, [])]
    while stack:
        value, path = stack.pop()
        if isinstance(value, BaseModel):
            yield id(value), path
            stack.extend((getattr(value, name), [*path, name]) for name in type(value).model_fields)
        elif isinstance(value, (list, tuple)):
            stack.extend((item, [*path, i]) for i, item in enumerate(value))


class Encoder:
    """Encodes one object graph; :attr:`arrays` collects the numpy arrays it refers to by name."""

    def __init__(self, root: Any, root_skip: frozenset[str], params: BaseModel) -> None:
        """``root`` is written as a reference wherever it is met; its own attributes in ``root_skip`` are not state."""
        self.root, self.root_skip = root, root_skip
        self.params = dict(params_paths(params))
        self.arrays: dict[str, np.ndarray] = {}
        self._memo: dict[int, int] = {}
        self._keep: list[Any] = []  # objects whose ids are memoised stay alive until the end

    def root_state(self) -> dict[str, Any]:
        """The root's attributes (those not in ``root_skip``)."""
        return {k: self.encode(v, k) for k, v in vars(self.root).items() if k not in self.root_skip}

    def _number(self, value: Any) -> tuple[int, bool]:
        """The memo number of ``value`` and whether it was new."""
        key = id(value)
        if key in self._memo:
            return self._memo[key], False
        self._memo[key] = n = len(self._memo)
        self._keep.append(value)
        return n, True

    def encode(self, value: Any, where: str) -> Any:  # noqa: C901, PLR0911, PLR0912 (one branch per kind, in one place)
        """``value`` as JSON-able data; ``where`` names its place for error messages."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, Enum):
            return {"enum": _qualified(type(value)), "v": value.value}
        if isinstance(value, np.generic):  # before float: np.float64 is a float, but its type is kept
            return {"np": value.dtype.str, "v": value.item()}
        if isinstance(value, (int, float)):
            return value
        if value is self.root:
            return {"root": 1}
        if isinstance(value, BaseModel):
            if id(value) not in self.params:
                raise CodecError(f"{where}: a parameter object that is not part of the model's parameters")
            return {"params": self.params[id(value)]}
        if isinstance(value, tuple):
            return {"tuple": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]}
        n, new = self._number(value)
        if not new:
            return {"ref": n}
        if isinstance(value, np.ndarray):
            if value.dtype.hasobject:
                raise CodecError(f"{where}: a numpy array of Python objects")
            name = f"a{n}"
            self.arrays[name] = value
            return {"#": n, "array": name}
        if isinstance(value, np.random.Generator):
            bits = value.bit_generator
            return {"#": n, "rng": type(bits).__name__, "state": bits.state}
        if isinstance(value, list):
            return {"#": n, "list": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]}
        if isinstance(value, deque):
            return {"#": n, "deque": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)], "maxlen": value.maxlen}
        if isinstance(value, (set, frozenset)):
            kind = "set" if isinstance(value, set) else "frozenset"
            # sorted, so that the same state gives the same file (a rebuilt set may iterate in
            # another order; the model only asks sets for membership and size)
            items = sorted(value) if all(type(v) is int for v in value) else list(value)
            return {"#": n, kind: [self.encode(v, f"{where}{{}}") for v in items]}
        if isinstance(value, dict):
            return self._mapping(value, n, where)
        if isinstance(value, MethodType):
            owner, name = value.__self__, value.__func__.__name__
            if getattr(type(owner), name, None) is not value.__func__:
                raise CodecError(f"{where}: method {value.__func__.__qualname__} is not found on its object by its name")
            return {"#": n, "method": name, "of": self.encode(owner, f"{where}.__self__")}
        if inspect.isfunction(value) or inspect.isclass(value):
            if not _in_package(value) or "<" in value.__qualname__:
                raise CodecError(f"{where}: {value!r} (only sim.model's module-level functions and classes can be written)")
            return {"#": n, "global": _qualified(value)}
        if _in_package(type(value)) and hasattr(value, "__dict__"):
            skip = getattr(type(value), "__snapshot_skip__", ())
            state = {
                k: self.encode(v, f"{where}.{k}")
                for k, v in vars(value).items()
                if k not in skip and k != "__orig_class__"  # typing's note of `CapacityQueue[Case](...)`: not state
            }
            return {"#": n, "obj": _qualified(type(value)), "state": state}
        raise CodecError(f"{where}: cannot write a {type(value).__module__}.{type(value).__qualname__}")

    def _mapping(self, value: dict[Any, Any], n: int, where: str) -> dict[str, Any]:
        pairs = [[self.encode(k, f"{where} key"), self.encode(v, f"{where}[{k!r}]")] for k, v in value.items()]
        if isinstance(value, defaultdict):
            factory = value.default_factory
            name = next((k for k, f in FACTORIES.items() if f is factory), None)
            if name is None:
                if not (_is_factory(factory) and _in_package(factory)) or "<" in factory.__qualname__:
                    raise CodecError(
                        f"{where}: defaultdict factory {factory!r} (allowed: {', '.join(FACTORIES)}, "
                        "or a sim.model function marked with codec.factory)"
                    )
                name = _qualified(factory)
            return {"#": n, "defaultdict": pairs, "factory": name}
        if isinstance(value, Counter):
            return {"#": n, "counter": pairs}
        if type(value) is not dict:
            raise CodecError(f"{where}: cannot write a {type(value).__qualname__}")
        return {"#": n, "dict": pairs}


def _global(name: str) -> Any:
    """A class or function of ``sim.model`` by ``module:qualname``; nothing else."""
    module, _, qualname = name.partition(":")
    if not module.startswith(PACKAGE) or not qualname or "<" in qualname:
        raise CodecError(f"names {name!r}: only sim.model's classes and functions may be named")
    try:
        value: Any = importlib.import_module(module)
        for part in qualname.split("."):
            value = getattr(value, part)
    except (ImportError, AttributeError) as err:
        raise CodecError(f"names {name!r}, which this version does not have") from err
    if not ((inspect.isclass(value) or inspect.isfunction(value)) and _in_package(value)):
        raise CodecError(f"names {name!r}, which is not a class or function of sim.model")
    return value


class Decoder:
    """Decodes what :class:`Encoder` wrote, with the same root, parameters and arrays."""

    def __init__(self, root: Any, params: BaseModel, arrays: dict[str, np.ndarray]) -> None:
        """Objects are built fresh; the root, parameters and arrays are given."""
        self.root, self.params, self.arrays = root, params, arrays
        self._memo: dict[int, Any] = {}
        self._restored: list[Any] = []  # objects with a _restored() hook, called when all is built

    def built(self) -> list[Any]:
        """Every object built so far (each once)."""
        return list(self._memo.values())

    def finish(self) -> None:
        """Call the ``_restored()`` hooks, in the order the objects were built."""
        for obj in self._restored:
            obj._restored()

    def _param(self, path: list[Any]) -> Any:
        value: Any = self.params
        for part in path:
            value = value[part] if isinstance(part, int) else getattr(value, part)
        return value

    def decode(self, data: Any) -> Any:  # noqa: C901, PLR0911, PLR0912 (one branch per kind, mirroring encode)
        """The value ``data`` stands for."""
        if not isinstance(data, (dict, list)):
            return data
        if isinstance(data, list):
            raise CodecError("an untagged list")
        if "ref" in data:
            return self._memo[data["ref"]]
        if "root" in data:
            return self.root
        if "enum" in data:
            kind = _global(data["enum"])
            if not (inspect.isclass(kind) and issubclass(kind, Enum)):  # called with the file's value: enums only
                raise CodecError(f"names {data['enum']!r} as an enum")
            return kind(data["v"])
        if "np" in data:
            return np.dtype(data["np"]).type(data["v"])
        if "params" in data:
            return self._param(data["params"])
        if "tuple" in data:
            return tuple(self.decode(v) for v in data["tuple"])
        n = data["#"]
        if "array" in data:
            return self._keep(n, self.arrays[data["array"]])
        if "rng" in data:
            bits = getattr(np.random, data["rng"], None)
            if data["rng"] not in ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64") or bits is None:
                raise CodecError(f"unknown bit generator {data['rng']!r}")
            generator = bits()
            generator.state = data["state"]
            return self._keep(n, np.random.Generator(generator))
        if "list" in data:
            out: list[Any] = self._keep(n, [])
            out.extend(self.decode(v) for v in data["list"])
            return out
        if "deque" in data:
            dq: deque[Any] = self._keep(n, deque(maxlen=data["maxlen"]))
            dq.extend(self.decode(v) for v in data["deque"])
            return dq
        if "set" in data:
            return self._keep(n, {self.decode(v) for v in data["set"]})
        if "frozenset" in data:
            return self._keep(n, frozenset(self.decode(v) for v in data["frozenset"]))
        for kind in ("dict", "counter", "defaultdict"):
            if kind in data:
                return self._mapping(kind, data, n)
        if "method" in data:
            owner = self.decode(data["of"])
            func = inspect.getattr_static(type(owner), data["method"], None)
            if not inspect.isfunction(func):
                raise CodecError(f"names method {data['method']!r}, which {type(owner).__qualname__} does not have")
            return self._keep(n, MethodType(func, owner))
        if "global" in data:
            return self._keep(n, _global(data["global"]))
        if "obj" in data:
            cls = _global(data["obj"])
            if not inspect.isclass(cls):
                raise CodecError(f"names {data['obj']!r} as a class")
            obj = self._keep(n, cls.__new__(cls))
            obj.__dict__.update({k: self.decode(v) for k, v in data["state"].items()})
            if hasattr(cls, "_restored"):
                self._restored.append(obj)
            return obj
        raise CodecError(f"an unknown tag among {sorted(data)[:5]}")

    def _mapping(self, kind: str, data: dict[str, Any], n: int) -> Any:
        out: dict[Any, Any]
        if kind == "dict":
            out = {}
        elif kind == "counter":
            out = Counter()
        else:
            name = data["factory"]
            made = FACTORIES[name] if name in FACTORIES else _global(name)
            if name not in FACTORIES and not _is_factory(made):
                raise CodecError(f"names {name!r} as a defaultdict factory, which it is not marked as")
            out = defaultdict(made)
        self._keep(n, out)
        for key, value in data[kind]:
            out[self.decode(key)] = self.decode(value)
        return out

    def _keep(self, n: int, value: Any) -> Any:
        self._memo[n] = value
        return value
