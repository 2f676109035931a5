"""Load the knowledge base: the only module that reads the knowledge files.

``load_knowledge()`` returns a validated, cross-checked :class:`KnowledgeBase`. Strict validation of
the YAML sources costs more than a quick CLI can afford, so the validated result is cached as a
pickle in the user's cache directory, keyed by a hash of the source files and the package version:
the cache can never go stale, and a run with an unwritable cache simply validates in memory.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ValidationError

from crampcheck.__about__ import __version__
from crampcheck.errors import KnowledgeError
from crampcheck.knowledge.models import (
    Advice,
    Alert,
    Factor,
    KnowledgeBase,
    MedicineBook,
    Question,
    Reference,
)

T = TypeVar("T")

# file name -> (top-level key holding a list of records, or None for a single record; model)
FILES: dict[str, tuple[str | None, type[BaseModel]]] = {
    "references.yaml": ("references", Reference),
    "alerts.yaml": ("alerts", Alert),
    "factors.yaml": ("factors", Factor),
    "medicines.yaml": (None, MedicineBook),
    "advice.yaml": (None, Advice),
    "questions.yaml": ("questions", Question),
}


def data_dir() -> Path:
    """The folder of the packaged knowledge files."""
    return Path(__file__).resolve().parent / "data"


def _read_sources(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES}


def source_hash(sources: dict[str, bytes]) -> str:
    """The knowledge version: a hash of the knowledge files."""
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name] + b"\0")
    return digest.hexdigest()


def _fingerprint() -> str:
    """Name, size and modification time of the knowledge files and of the code whose objects
    the caches pickle, with the version: cheap to compute at every start (no file is read)."""
    parts = [__version__]
    package = Path(__file__).resolve().parent.parent
    paths = [data_dir() / name for name in FILES]
    for sub in ("knowledge", "engine"):
        paths.extend(sorted((package / sub).glob("*.py")))
    for path in paths:
        stat = path.stat()
        parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def _record_name(
    data: Any, key: str | None, loc: tuple[int | str, ...]
) -> tuple[str, tuple[Any, ...]]:
    """Name the record an error is in (its id when it has one) and the rest of the path."""
    node = data if key is None else data.get(key) if isinstance(data, dict) else None
    rest = loc[1:] if key is not None else loc
    if key is not None and loc and isinstance(loc[0], int) and isinstance(node, list):
        record = node[loc[0]] if loc[0] < len(node) else {}
        ident = (
            record.get("id") or record.get("generic") or record.get("field")
            if isinstance(record, dict)
            else None
        )
        return f"{key}[{loc[0]}] (id {ident!r})", rest
    if key is None and len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data, dict):
        seq = data.get(str(loc[0]))
        if isinstance(seq, list) and loc[1] < len(seq) and isinstance(seq[loc[1]], dict):
            rec = seq[loc[1]]
            ident = rec.get("id") or rec.get("generic") or rec.get("site") or rec.get("verdict")
            return f"{loc[0]}[{loc[1]}] (id {ident!r})", loc[2:]
    return "(top level)", rest


def _parse(name: str, raw: bytes, problems: list[str]) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(raw, Loader=loader)
    except yaml.YAMLError as exc:
        problems.append(f"{name}: not valid YAML: {exc}")
        return None


def _validate_file(name: str, data: Any, problems: list[str]) -> Any:
    key, model = FILES[name]
    if key is not None:
        if not isinstance(data, dict) or set(data) != {key}:
            problems.append(f"{name}: the file must hold one top-level key {key!r}")
            return None
        records = data[key]
        if not isinstance(records, list):
            problems.append(f"{name}: {key!r} must be a list")
            return None
        out = []
        for i, record in enumerate(records):
            try:
                out.append(model.model_validate(record))
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    where, _ = _record_name(data, key, (i, *err["loc"]))
                    field = ".".join(str(p) for p in err["loc"]) or "(record)"
                    problems.append(f"{name}: {where}: field {field}: {err['msg']}")
        return out
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            where, rest = _record_name(data, None, tuple(err["loc"]))
            field = ".".join(str(p) for p in rest) or str(err["loc"][0] if err["loc"] else "")
            problems.append(f"{name}: {where}: field {field}: {err['msg']}")
        return None


def build(folder: Path | None = None) -> KnowledgeBase:
    """Parse, validate strictly and cross-check the knowledge files (slow; see below)."""
    from crampcheck.knowledge.checks import cross_check

    folder = folder or data_dir()
    sources = _read_sources(folder)
    problems: list[str] = []
    parsed = {
        name: _validate_file(name, _parse(name, raw, problems), problems)
        for name, raw in sources.items()
    }
    if problems:
        raise KnowledgeError(problems)
    kb = KnowledgeBase(
        references=parsed["references.yaml"],
        alerts=parsed["alerts.yaml"],
        factors=parsed["factors.yaml"],
        medicines=parsed["medicines.yaml"],
        advice=parsed["advice.yaml"],
        questions=parsed["questions.yaml"],
        source_hash=source_hash(sources),
    )
    problems = cross_check(kb)
    if problems:
        raise KnowledgeError(problems)
    return kb


def _cache_dir() -> Path:
    env = os.environ.get("CRAMPCHECK_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("crampcheck", appauthor=False))


def cached(name: str, make: Callable[[KnowledgeBase], T], extra_key: str = "") -> T:
    """``make(knowledge base)``, cached as a pickle keyed by the sources and code.

    The file holds ``(key, object)``; an entry whose key differs (a knowledge or code file
    changed size or time, another version, another ``extra_key``) is never used, so the cache
    cannot go stale. The knowledge version inside is a hash of the files' contents.
    """
    key = hashlib.sha256((_fingerprint() + extra_key).encode()).hexdigest()
    cache_file = _cache_dir() / f"{name}-{key[:32]}.pickle"
    try:
        with cache_file.open("rb") as fh:
            stored_key, obj = pickle.load(fh)  # our own file, named by its key
        if stored_key == key:
            return cast(T, obj)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    except ValueError:  # an old file that holds something else
        pass
    made = make(build())
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_file.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((key, made), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_file)
            for old in cache_file.parent.glob(f"{name}-*.pickle"):
                if old != cache_file:
                    old.unlink(missing_ok=True)  # entries for older files or code
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass  # an unwritable cache only costs start-up time
    return made


def upstream_drug_file() -> Path | None:
    """The drug-name dictionary of drug-named-entity-recognition (DrugBank-derived), if installed.

    Found without importing that package: importing it loads and indexes the whole dictionary
    (about 370 MB and 1.5 s), of which crampcheck needs only the names.
    """
    from importlib.util import find_spec

    spec = find_spec("drug_named_entity_recognition")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "drug_ner_dictionary.pkl.bz2"
    return path if path.exists() else None


def read_upstream_drug_names(path: Path) -> dict[str, list[str]]:
    """``variant -> [canonical names]`` from the upstream dictionary (slow: builds a cache)."""
    import bz2

    with bz2.open(path, "rb") as fh:
        data = pickle.load(fh)  # the package's own data file, installed from PyPI
    variants = data["drug_variant_to_canonical"]
    if not isinstance(variants, dict):
        raise KnowledgeError([f"{path}: drug_variant_to_canonical is not a mapping"])
    return {str(k): [str(c) for c in v] for k, v in variants.items()}


@cache
def load_knowledge() -> KnowledgeBase:
    """The validated knowledge base, from the hash-keyed cache when it is current."""
    return cached("knowledge", lambda kb: kb)
