"""The catalog as a value: the bundled TOML files merged with a user's, loaded once per run.

:func:`load_catalog` returns a :class:`Catalog`; a run is handed one and passes it down. Nothing
global changes when a scenario names its own catalog file: a later run without that file never
sees its entries (in a web server, one user's GPUs never leak into another's answers). Parsed
files are cached by path, size and modification time, which is what makes a run cheap; a cached
file is only ever read, never changed.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from botec.catalog import entries
from botec.catalog.cross_checks import check_gpu_price_fields, check_hardware_names
from botec.core.errors import BotecInputError
from botec.core.safe_io import MAX_NESTING, check_depth, read_text

_HERE = Path(__file__).parent
KINDS = ("hardware", "precisions", "networks", "prices", "assumptions", "engines")
# The environment variable naming extra catalog files (os.pathsep-separated), for every run.
ENV_VAR = "BOTEC_CATALOG"

T = TypeVar("T")
Tables = Mapping[str, Mapping[str, Any]]


def normalise(name: str) -> str:
    """Lower-case, spaces and underscores as hyphens: 'A100 80GB' -> 'a100-80gb'."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


class Catalog:
    """Hardware, precisions, links, prices, default ranges and engines for one run.

    >>> cat = load_catalog()
    >>> cat.hardware("A100 80GB").memory_bytes
    80000000000.0
    >>> cat.precision("fp16").bytes_per_param
    2.0
    """

    def __init__(self, tables: Tables, files: tuple[Path, ...] = (), checked: bool = False) -> None:
        self._tables = tables
        self.files = files  # the user files merged over the bundled ones, in order
        self._memo: dict[tuple[str, ...], Any] = {}
        # With a user's file (or entries given as a mapping) every entry is validated, and
        # converted, as it is built; the bundled entries alone are built as they stand (the test
        # suite validates them: tests/test_catalog.py).
        self._checked = checked or bool(files)

    # -- look-ups --------------------------------------------------------------------------------

    def hardware(self, name: str, field_name: str = "gpu") -> entries.Hardware:
        """A device by catalog key or alias; unknown names get a 'did you mean'."""
        return self._get("hardware", "device", name, field_name, entries.hardware_entry)

    def precision(self, name: str, field_name: str = "precision") -> entries.Precision:
        return self._get("precisions", "precision", name, field_name, entries.precision_entry)

    def link(self, name: str, field_name: str = "link") -> entries.Link:
        return self._get("networks", "network link", name, field_name, entries.link_entry)

    def assumption(self, name: str) -> entries.Assumption:
        """A default range by name, e.g. ``cat.assumption("peak_factor").as_range()``."""
        return self._get("assumptions", "assumption", name, name, entries.assumption_entry)

    def engine(self, name: str, field_name: str = "engine") -> entries.Engine:
        """A serving engine by name, e.g. ``cat.engine("vllm").factors["memory_efficiency"]``."""
        return self._get("engines", "engine", name, field_name, entries.engine_entry)

    def price(self, category: str, name: str, field_name: str = "price") -> entries.Price:
        """A price entry, e.g. ``cat.price("gpu", "a100-80gb").get("on_demand_usd_per_hour")``."""
        table = self._tables["prices"].get(category)
        if table is None:
            raise BotecInputError(field_name, category, "a price category in the catalog")
        label = "price basis" if category == "basis" else f"{category} price"
        key, raw = _lookup(label, name, table, field_name)
        memo = ("prices", category, key)
        if memo not in self._memo:
            self._memo[memo] = _validated(
                f"prices.{category}",
                key,
                lambda: entries.price_entry(category, key, raw, self._checked),
            )
        return self._memo[memo]

    def gpu_price(self, key: str) -> entries.Price | None:
        """The price entry for a GPU, or None when the catalog has none (a planner then asks for
        one rather than failing)."""
        try:
            return self.price("gpu", key)
        except BotecInputError:
            return None

    def gpu_on_demand(self, key: str) -> tuple[float, str] | None:
        """(USD per GPU-hour on the default price basis, source), or None when the GPU is not
        priced there."""
        from botec.catalog.gpu_prices import gpu_rate

        rate = gpu_rate(self, key)
        if rate is None:
            return None
        return rate.usd_per_hour, f"{rate.label}: {rate.source}"

    # -- names -----------------------------------------------------------------------------------

    def names(self, kind: str) -> list[str]:
        """Every entry key of one table (``hardware``, ``precisions``, ``networks``, ...)."""
        return sorted(self._tables[kind])

    def price_names(self, category: str) -> list[str]:
        return sorted(self._tables["prices"].get(category, {}))

    def with_files(self, files: Iterable[str | Path | Mapping[str, Any]]) -> Catalog:
        """This catalog with more user files merged over it (a new value; this one unchanged).
        An item may also be a mapping in a catalog file's layout (an API request's entries)."""
        items = [
            (f, "catalog", _checked_tables(f, "catalog")) if isinstance(f, Mapping) else
            (_checked_path(f), str(f), None)
            for f in files
        ]  # fmt: skip
        if not items:
            return self
        tables = self._tables
        for path, where, data in items:
            tables = _merge(tables, data if data is not None else _read_user_file(path), where)
        paths = tuple(p for p, _w, data in items if data is None)
        merged = Catalog(tables, self.files + paths, checked=True)
        for path, where, data in items:  # every entry a file touches, checked now
            merged.validate(data if data is not None else _read_user_file(path), where)
        return merged

    def validate(self, only: Mapping[str, Any] | None = None, where: str = "") -> None:
        """Validate every entry (or those ``only`` names) now, so a bad one is reported at load
        rather than when a run first looks it up."""
        only = self._tables if only is None else only
        try:
            for kind, builder in _BUILDERS.items():
                for key in only.get(kind, {}):
                    raw = self._tables[kind][key]
                    _validated(kind, key, lambda b=builder, k=key, r=raw: b(k, r, True))
                    self._check_aliases(kind, key, raw)
                    if kind == "hardware":
                        check_hardware_names(key, raw, self._tables)
            for category, table in only.get("prices", {}).items():
                for key in table:
                    raw = self._tables["prices"][category][key]
                    if category == "gpu":
                        check_gpu_price_fields(key, table[key], self.price_names("basis"))
                    _validated(
                        f"prices.{category}",
                        key,
                        lambda c=category, k=key, r=raw: entries.price_entry(c, k, r, True),
                    )
        except BotecInputError as exc:
            if not where:
                raise
            raise BotecInputError(f"{where}: {exc.field}", exc.value, exc.allowed) from None

    def _check_aliases(self, kind: str, key: str, raw: Mapping[str, Any]) -> None:
        """An alias that already names another entry would never reach this one (look-ups
        try names, then aliases in catalog order): refuse it rather than ignore it."""
        for alias in raw.get("aliases", ()) if isinstance(raw.get("aliases"), list) else ():
            wanted = normalise(str(alias))
            for other, entry in self._tables[kind].items():
                if other == key:
                    continue
                theirs = entry.get("aliases") if isinstance(entry, Mapping) else None
                theirs = theirs if isinstance(theirs, list) else []  # validated in its own turn
                if wanted == other or wanted in (normalise(str(a)) for a in theirs):
                    raise BotecInputError(
                        f"catalog {kind}.{key}.aliases", alias,
                        f"names no other entry ({alias!r} already means {other})",
                    )  # fmt: skip

    def _get(
        self,
        kind: str,
        label: str,
        name: str,
        field_name: str,
        builder: Callable[[str, dict[str, Any], bool], T],
    ) -> T:
        key, raw = _lookup(label, name, self._tables[kind], field_name)
        memo = (kind, key)
        if memo not in self._memo:
            self._memo[memo] = _validated(kind, key, lambda: builder(key, raw, self._checked))
        return self._memo[memo]


_BUILDERS: dict[str, Callable[[str, dict[str, Any], bool], Any]] = {
    "hardware": entries.hardware_entry,
    "precisions": entries.precision_entry,
    "networks": entries.link_entry,
    "assumptions": entries.assumption_entry,
    "engines": entries.engine_entry,
}


def load_catalog(files: Iterable[str | Path | Mapping[str, Any]] = ()) -> Catalog:
    """The bundled catalog, then the files in ``$BOTEC_CATALOG``, then ``files``, merged in that
    order (a later entry's fields override an earlier one's). Bad files are refused here."""
    env = tuple(p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p)
    base = _base(env)
    return base.with_files(files)


@cache
def _base(env_files: tuple[str, ...]) -> Catalog:
    # The bundled entries are checked entry by entry on first use (and all of them by the test
    # suite); user files are checked whole as they load.
    return _bundled().with_files(env_files)


@cache
def _bundled() -> Catalog:
    tables: dict[str, Mapping[str, Any]] = {}
    for kind in KINDS:
        with (_HERE / f"{kind}.toml").open("rb") as handle:
            tables[kind] = _normalised_keys(kind, tomllib.load(handle))
    # GPU prices per basis, as `botec prices build` writes them (a catalog file's layout)
    with (_HERE / "gpu_prices.toml").open("rb") as handle:
        built = tomllib.load(handle)
    return Catalog(_merge(tables, {k: _normalised_keys(k, t) for k, t in built.items()}))


def _checked_path(path: str | Path) -> Path:
    file = Path(path)
    if not file.is_file():
        raise BotecInputError("catalog", str(path), "an existing TOML catalog file")
    return file


def _read_user_file(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return _parse_user_file(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@cache
def _parse_user_file(path: str, size: int, mtime_ns: int) -> dict[str, Any]:
    """A user file's tables, normalised (cached by path, size and time: files change)."""
    del size, mtime_ns  # part of the cache key only
    text = read_text(path, "catalog")  # a regular file under the size cap
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BotecInputError("catalog", path, f"a readable TOML file ({exc})") from None
    except RecursionError:
        raise BotecInputError("catalog", path, f"at most {MAX_NESTING} levels") from None
    check_depth(data, f"catalog {path}")
    return _checked_tables(data, path)


def _checked_tables(data: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A catalog file's (or mapping's) tables, checked for shape and normalised."""
    unknown = set(data) - set(KINDS)
    if unknown:
        raise BotecInputError(
            "catalog", f"{where}: [{sorted(unknown)[0]}]", f"tables named {', '.join(KINDS)}"
        )
    for kind, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(e, dict) for e in table.values()):
            raise BotecInputError("catalog", f"{where}: [{kind}]", "tables of entries")
    for category, named in data.get("prices", {}).items():  # prices nest one level deeper
        for name, entry in named.items():
            if not isinstance(entry, dict):
                raise BotecInputError(
                    "catalog", f"{where}: [prices.{category}] {name}",
                    "price tables by kind and name, e.g. [prices.gpu.h100-sxm] with "
                    "on_demand_usd_per_hour = 2.5",
                )  # fmt: skip
    return {kind: _normalised_keys(kind, table) for kind, table in data.items()}


def _merge(
    tables: Tables, user: Mapping[str, Any], stated_in: str = ""
) -> dict[str, Mapping[str, Any]]:
    """New tables: ``user`` entries over ``tables`` field by field (inputs left unchanged). With
    ``stated_in`` (a user's file), a value it replaces takes its provenance with it: a new price
    is sourced to that file, a new memory size drops the old one's measured byte count."""
    merged = dict(tables)
    for kind, table in user.items():
        out = dict(merged[kind])
        for key, entry in table.items():
            if kind == "prices":
                category = dict(out.get(key, {}))
                for name, price in entry.items():
                    category[name] = _price_over(category.get(name, {}), price, stated_in)
                out[key] = category
            else:
                base = dict(out.get(key, {}))
                if stated_in and kind == "hardware" and "memory_bytes" in entry:
                    # the driver's byte count belonged to the old size: the new one stands alone
                    # unless the file gives its own
                    base.pop("device_memory_bytes", None)
                    base.pop("device_memory_source", None)
                out[key] = {**base, **entry}
        merged[kind] = out
    return merged


def _price_over(old: Mapping[str, Any], new: Mapping[str, Any], stated_in: str) -> dict[str, Any]:
    """A price entry with a user's fields over it; each basis price the user states is sourced
    to the user's file, not to the bundled list it replaced."""
    out = {**old, **new}
    stated = [f for f in new if f.endswith("_usd_per_hour")]
    if stated_in and stated and isinstance(old.get("sources"), Mapping):
        sources = dict(old["sources"])
        for f in stated:
            sources[f.removesuffix("_usd_per_hour").replace("_", "-")] = f"stated in {stated_in}"
        sources.update(new.get("sources", {}))
        out["sources"] = sources
    return out


def _normalised_keys(kind: str, table: dict[str, Any]) -> dict[str, Any]:
    """Entry names as users type them are looked up normalised ('Q4_0' -> 'q4-0')."""
    if kind == "prices":
        return {c: {normalise(k): v for k, v in items.items()} for c, items in table.items()}
    return {normalise(k): v for k, v in table.items()}


def _lookup(kind: str, name: str, table: Mapping[str, Any], field_name: str) -> tuple[str, Any]:
    wanted = normalise(str(name))
    if wanted in table:
        return wanted, table[wanted]
    for key, entry in table.items():
        if wanted in (normalise(a) for a in entry.get("aliases", ())):
            return key, entry
    import difflib  # only on a miss, to keep start-up fast

    names = sorted(table)
    # an alias close to the name suggests its entry's key: every suggestion is in the list
    # printed beside it, each once
    spelt = {key: key for key in names}
    for key, entry in table.items():
        for alias in entry.get("aliases", ()):
            spelt.setdefault(normalise(alias), key)
    close = difflib.get_close_matches(wanted, list(spelt), n=6, cutoff=0.6)
    keys = list(dict.fromkeys(spelt[c] for c in close))[:3]
    hint = f"; did you mean {' or '.join(keys)}?" if keys else ""
    article = "an" if kind[:1] in "aeiou" else "a"
    raise BotecInputError(
        field_name, name, f"{article} {kind} in the catalog: {', '.join(names)}{hint}"
    )


def _validated(kind: str, key: str, build: Callable[[], T]) -> T:
    """Build an entry; a pydantic error becomes one line naming the entry, field and value."""
    from pydantic import ValidationError

    try:
        return build()
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        if not where:  # a rule across fields (a range's low, nominal and high): the entry
            raw = err.get("input")
            shown = (
                {k: raw[k] for k in ("low", "nominal", "high") if k in raw}
                if isinstance(raw, dict)
                else raw
            )
            message = err["msg"].removeprefix("Value error, ")
            raise BotecInputError(f"catalog {kind}.{key}", shown, message) from None
        raise BotecInputError(
            f"catalog {kind}.{key}.{where}", err.get("input"), err["msg"].lower()
        ) from None
