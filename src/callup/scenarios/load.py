"""Read, check and resolve scenario files into a :class:`~callup.scenarios.model.Scenario`.

Every error is a :class:`ScenarioError` naming the file, the line, the field and what is allowed:
``age-27.yaml: line 12: parameters.callup.age_mx: unknown parameter (did you mean 'callup.age_max'?)``.
The YAML is read as nodes (PyYAML compose), so each key keeps its line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from callup.law.dates import to_day
from callup.law.parameters import ParameterError

from .model import Events, Scenario, ScenarioError
from .schema import ScenarioFile

BUNDLED_DIR = Path(__file__).parent / "bundled"
SCENARIOS: tuple[str, ...] = ("baseline", "no-war", "no-mobilisation", "age-27", "no-e-summons", "bonus-x2",
                              "acs-open")
"""The bundled scenario names (``bundled/NAME.yaml``), baseline first."""


# --- YAML with line numbers -----------------------------------------------------------------------


@dataclass
class Source:
    """One scenario file: its label (for messages), its path, the data and the line of each key path."""

    label: str
    path: Path
    data: Any
    lines: dict[tuple, int]

    def line(self, *path: Any) -> int:
        """The line of ``path`` or of its nearest recorded parent (1 if none)."""
        p = tuple(str(x) for x in path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return 1

    def error(self, path: tuple, message: str) -> ScenarioError:
        field = ".".join(str(x) for x in path) or "(top level)"
        return ScenarioError(f"{self.label}: line {self.line(*path)}: {field}: {message}")


def _construct(loader: yaml.SafeLoader, node: yaml.Node, path: tuple, lines: dict, label: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError(f"{label}: line {key_node.start_mark.line + 1}: "
                                    f"{'.'.join(path) or '(top level)'}: a key must be a plain name or date")
            key = str(key_node.value)
            if key in out:
                raise ScenarioError(f"{label}: line {key_node.start_mark.line + 1}: "
                                    f"{'.'.join((*path, key))}: duplicate key")
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _construct(loader, value_node, (*path, key), lines, label)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, (*path, str(i)), lines, label) for i, item in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:timestamp":
        return str(node.value)  # dates stay text: the schema parses them (and names a bad one)
    return loader.construct_object(node, deep=True)


def read_source(path: Path, label: str) -> Source:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{label}: cannot read it ({exc})") from None
    loader = yaml.SafeLoader(text)
    lines: dict[tuple, int] = {}
    try:
        node = loader.get_single_node()
        data = {} if node is None else _construct(loader, node, (), lines, label)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise ScenarioError(f"{label}: line {line}: invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{label}: invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ScenarioError(f"{label}: line 1: (top level): expected a mapping with name, description, "
                            f"extends, parameters, behaviour, events, quotas")
    return Source(label, path, data, lines)


# --- shape (pydantic) -------------------------------------------------------------------------------


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _allowed_keys(path: tuple) -> list[str] | None:
    model: type[BaseModel] | None = ScenarioFile
    for key in path:
        if model is None:
            return None
        if key.isdigit():
            continue
        info = model.model_fields.get(key)
        model = _model_of(info.annotation) if info is not None else None
    return list(model.model_fields) if model is not None else None


def _data_path(data: Any, loc: tuple) -> tuple:
    """The part of a pydantic ``loc`` that names keys of the data (union tags and [key] dropped)."""
    out: list[str] = []
    here = data
    for part in loc:
        if isinstance(here, dict) and str(part) in here:
            out.append(str(part))
            here = here[str(part)]
        elif isinstance(here, list) and isinstance(part, int) and part < len(here):
            out.append(str(part))
            here = here[part]
    return tuple(out)


def _shape(src: Source) -> ScenarioFile:
    try:
        return ScenarioFile.model_validate(src.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        path = _data_path(src.data, loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            allowed = _allowed_keys(path[:-1])
            raise src.error(path, "unknown key" + (f" (allowed: {', '.join(allowed)})" if allowed else "")) from None
        if kind == "missing":
            raise src.error((*path, str(loc[-1])), "required") from None
        if kind.startswith("date") or (loc and loc[-1] == "[key]" and "date" in err["msg"]):
            raise src.error(path, f"not a date {err['input']!r} (expected YYYY-MM-DD: {err['msg']})") from None
        if kind == "string_pattern_mismatch":
            raise src.error(path, f"{err['input']!r}: expected lower-case letters, digits, - and _") from None
        raise src.error(path, f"{err['msg']} (got {err.get('input')!r})") from None


# --- resolution ---------------------------------------------------------------------------------------


@dataclass
class Layer:
    src: Source
    spec: ScenarioFile

    @property
    def name(self) -> str:
        return self.spec.name


def _bundled_path(name: str) -> Path:
    return BUNDLED_DIR / f"{name}.yaml"


def _locate(spec: str, relative_to: Path | None) -> tuple[Path, str] | None:
    if spec in SCENARIOS:
        return _bundled_path(spec), f"bundled/{spec}.yaml"
    path = Path(spec)
    if not path.is_absolute() and relative_to is not None:
        path = relative_to / path
    if path.is_file():
        return path, str(path)
    return None


def _chain(spec: str) -> list[Layer]:
    found = _locate(spec, None)
    if found is None:
        raise ScenarioError(f"scenario {spec!r}: not a bundled name (allowed: {', '.join(SCENARIOS)}) "
                            "and no such file")
    layers: list[Layer] = []
    seen: dict[Path, str] = {}
    path, label = found
    while True:
        key = path.resolve()
        src = read_source(path, label)
        raw = src.data
        if path.parent != BUNDLED_DIR:  # a user's file may leave out its name and description
            raw.setdefault("name", path.stem.lower().replace(" ", "-"))
            raw.setdefault("description", f"scenario file {path.name}")
        layer = Layer(src, _shape(src))
        if key in seen:
            cycle = " -> ".join([*seen.values(), layer.name])
            prev = layers[-1]
            raise prev.src.error(("extends",), f"{prev.spec.extends!r} makes a cycle ({cycle}); "
                                 "a scenario cannot extend itself or one of its descendants")
        seen[key] = layer.name
        layers.append(layer)
        if layer.spec.extends is None:
            return layers
        nxt = _locate(layer.spec.extends, path.parent)
        if nxt is None:
            raise src.error(("extends",), f"unknown scenario {layer.spec.extends!r} (allowed: "
                            f"{', '.join(SCENARIOS)}, or the path of a scenario file)")
        path, label = nxt


def _check_value(src: Source, where: tuple, param: Any, value: Any) -> None:
    """A value of the kind the law parameter holds (numbers, switches, codes)."""
    if value is None:
        return
    codes = param.metadata.get("codes") if isinstance(param.metadata, Mapping) else None
    kind = param.kind
    if kind == "bool" and not isinstance(value, bool):
        raise src.error(where, f"expected true or false, got {value!r}")
    if kind in ("int", "float") and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise src.error(where, f"expected a number ({param.unit or 'no unit'}), got {value!r}")
    if codes and isinstance(value, str) and value not in codes:
        raise src.error(where, f"{value!r} is not one of the codes (allowed: {', '.join(map(str, codes))})")


def _date_key(d: dt.date) -> str:
    return d.isoformat()


def calibrated_assumptions() -> dict[str, float]:
    """The population assumptions every scenario moves: the calibrated values of the ``assumptions:``
    section of ``simulation/baseline_fit.yaml`` (``{path: value}``, checked against assumptions.yaml)."""
    from callup.simulation.fit import load_fitted_assumptions

    return load_fitted_assumptions()


def calibrated_behaviour():
    """The behaviour every scenario starts from: behaviour.yaml with the calibrated values of
    ``simulation/baseline_fit.yaml`` (written by ``callup calibrate --write``) applied on top."""
    from callup.simulation.behaviour import load_behaviour
    from callup.simulation.fit import load_baseline_fit

    fitted = load_baseline_fit()
    return load_behaviour().with_overrides(fitted), fitted


def build(layers: list[Layer]) -> Scenario:
    """Apply the layers from the root to the named scenario."""
    from callup.jurisdictions import ru
    from callup.jurisdictions.ru.calendar import campaign_named
    from callup.simulation.behaviour import BehaviourError

    law = ru.law()
    behaviour, fitted = calibrated_behaviour()
    dated: dict[str, tuple[tuple[int, float], ...]] = {}
    events = Events()
    payments: tuple[tuple[int, float], ...] | None = None
    factor = 1.0
    provenance: dict = {("behaviour", name): "baseline_fit.yaml (calibrated)" for name in fitted}
    assumptions = calibrated_assumptions()
    provenance.update({("assumptions", path): "baseline_fit.yaml (calibrated)" for path in assumptions})
    sources: list[str] = []
    for layer in reversed(layers):
        src, spec, name = layer.src, layer.spec, layer.name
        at = f"{src.label} line"

        def override(law: Any, path: str, entries: dict[str, Any], where: tuple, src=src, name=name, at=at) -> Any:
            line = src.line(*where)
            try:
                out = law.with_overrides({path: entries}, reference=f"scenario {name} ({at} {line})")
            except ParameterError as exc:
                raise src.error(where, str(exc)) from None
            for d in entries:
                provenance[("parameters", path, d)] = f"{at} {line}"
            return out

        def set_behaviour(behaviour: Any, values: dict[str, float], where: tuple, src=src, at=at) -> Any:
            try:
                out = behaviour.with_overrides(values)
            except BehaviourError as exc:
                raise src.error(where, str(exc).removeprefix(f"behaviour {next(iter(values))!r}: ")) from None
            for n in values:
                provenance[("behaviour", n)] = f"{at} {src.line(*where)}"
                dated.pop(n, None)
            return out

        # the law
        for path, entries in spec.parameters.items():
            where = ("parameters", path)
            if path not in law:
                close = difflib.get_close_matches(path, list(law), n=3, cutoff=0.6)
                hint = f"did you mean {', '.join(map(repr, close))}?" if close else \
                    "see the files under callup/jurisdictions/ru/parameters/, path = file path with dots"
                raise src.error(where, f"unknown parameter ({hint})")
            for d, value in entries.items():
                _check_value(src, (*where, _date_key(d)), law[path], value)
            law = override(law, path, {_date_key(d): v for d, v in entries.items()}, where)
        # behaviour
        for bname, value in spec.behaviour.items():
            where = ("behaviour", bname)
            if bname not in behaviour:
                raise src.error(where, f"unknown name (allowed: {', '.join(sorted(behaviour))})")
            if isinstance(value, dict):
                p = behaviour.parameter(bname)
                if p.range[0] == p.range[1]:
                    raise src.error(where, f"cannot be dated: a fixed value ({p.range[0]}), not a behaviour the "
                                    "engine varies over time (give a plain value or leave it out)")
                entries = []
                for key, v in value.items():
                    try:
                        day = to_day(dt.date.fromisoformat(str(key)))
                    except ValueError:
                        raise src.error((*where, key), f"not a date {key!r} (expected YYYY-MM-DD)") from None
                    try:
                        behaviour.with_overrides({bname: v})
                    except BehaviourError as exc:
                        raise src.error((*where, key), str(exc).removeprefix(f"behaviour {bname!r}: ")) from None
                    entries.append((day, float(v)))
                dated[bname] = tuple(sorted(entries))
                provenance[("behaviour", bname)] = f"{at} {src.line(*where)} (dated)"
            else:
                behaviour = set_behaviour(behaviour, {bname: value}, where)
        # events
        ev = spec.events
        if "war_start" in ev.model_fields_set:
            w = ev.war_start
            events = Events(None if w is None else to_day(w.date), events.mobilisation, events.emigration_shocks)
            provenance[("events", "war_start")] = f"{at} {src.line('events', 'war_start')}"
            if w is not None and w.emigration_shock is not None:
                behaviour = set_behaviour(behaviour, {"emigration_shock_feb2022": w.emigration_shock},
                                          ("events", "war_start", "emigration_shock"))
        if "mobilisation" in ev.model_fields_set:
            m = ev.mobilisation
            where = ("events", "mobilisation")
            declared = law["mobilisation.declared"]
            if m is None:
                off = {e.start.isoformat(): "none" for e in declared.values if e.value != "none"}
                if off:
                    law = override(law, "mobilisation.declared", off, where)
                events = Events(events.war_start, None, events.emigration_shocks)
            else:
                entries = {e.start.isoformat(): ("none" if e.start < m.date else "partial")
                           for e in declared.values if e.value != "none"}
                entries[m.date.isoformat()] = "partial"
                law = override(law, "mobilisation.declared", entries, where)
                targets = {e.start.isoformat(): m.target for e in law["mobilisation.target"].values
                           if e.start >= m.date}
                targets[m.date.isoformat()] = m.target
                law = override(law, "mobilisation.target", targets, where)
                events = Events(events.war_start, to_day(m.date), events.emigration_shocks)
                if m.emigration_shock is not None:
                    behaviour = set_behaviour(behaviour, {"emigration_shock_sep2022": m.emigration_shock},
                                              (*where, "emigration_shock"))
            provenance[("events", "mobilisation")] = f"{at} {src.line(*where)}"
        if "emigration_shock" in ev.model_fields_set:
            shocks = tuple((to_day(s.date), s.share) for s in ev.emigration_shock or ())
            events = Events(events.war_start, events.mobilisation, shocks)
            provenance[("events", "emigration_shock")] = f"{at} {src.line('events', 'emigration_shock')}"
        # quotas
        for campaign, n in spec.quotas.items():
            where = ("quotas", campaign)
            try:
                c = campaign_named(law, campaign)
            except (ValueError, ParameterError) as exc:
                raise src.error(where, f"unknown campaign {campaign!r} (allowed: YEAR-spring or YEAR-autumn of a "
                                f"year with call-up campaigns, e.g. 2024-spring; {exc})") from None
            law = override(law, "callup.quota", {dt.date.fromordinal(_EPOCH + c.callup_start).isoformat(): n}, where)
        # payments
        if spec.signup_payments is not None:
            payments = tuple(sorted((to_day(d), float(v)) for d, v in spec.signup_payments.items()))
            provenance[("signup_payments",)] = f"{at} {src.line('signup_payments')}"
        if spec.signup_payment_factor is not None:
            factor = float(spec.signup_payment_factor)
            provenance[("signup_payment_factor",)] = f"{at} {src.line('signup_payment_factor')}"
        sources = list(spec.sources) + [s for s in sources if s not in spec.sources]
    top = layers[0]
    return Scenario(
        top.name, behaviour, law, description=" ".join(top.spec.description.split()), events=events,
        behaviour_dated=tuple(sorted(dated.items())), signup_payments=payments, signup_payment_factor=factor,
        assumptions=assumptions,
        sources=tuple(top.spec.sources) or tuple(sources), file=str(top.src.path),
        chain=tuple(f"{la.name} ({la.src.label})" for la in layers), provenance=provenance,
    )


_EPOCH = dt.date(1970, 1, 1).toordinal()


@cache
def _bundled(name: str) -> Scenario:
    return build(_chain(name))


def load_scenario(spec: str) -> Scenario:
    """A bundled scenario by name, or a scenario file (its ``extends`` chain resolved)."""
    if not isinstance(spec, str):
        raise ScenarioError(f"scenario {spec!r}: expected a name (allowed: {', '.join(SCENARIOS)}) or a file")
    if spec in SCENARIOS:
        return _bundled(spec)
    return build(_chain(spec))


def describe(name: str) -> str:
    """The first sentence of a bundled scenario's description (one line)."""
    text = " ".join(_chain(name)[0].spec.description.split())
    first = re.split(r"(?<!\b[A-Z][a-z])(?<!\bArt)(?<!\bNo)(?<!\bp)\.\s+(?=[A-Z0-9А-Я])", text, maxsplit=1)[0]
    return first if first.endswith(".") else first + "."
