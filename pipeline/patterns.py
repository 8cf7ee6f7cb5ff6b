"""Load and validate the data in `patterns/`: every problem names its file, line and id.

Files:
  lexicon.json            vocabularies (currencies, scales, number words, months, units...)
  money.jsonl, dates.jsonl, quantities.jsonl, percent.jsonl
                          value patterns: regex templates over the text; {MACRO} names a vocabulary
  entities.jsonl          the gazetteer: canonical entities with aliases
  entity_rules.jsonl      spaCy token patterns for entities the model misses
  roles.jsonl             role words (CEO, chairman...) and the attribute each one gives
  attributes.jsonl        attribute rules that attach values to subjects (closed rules)
  vocabulary.jsonl        the open fact vocabulary: attribute names from governing words and units
  subjects.json           words for choosing a value's subject (generic references, authorities...)
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import PatternError
from pipeline.pattern_schemas import (ENTITY_LABELS, VALUE_LABELS, _check_attribute, _check_entity_rule, _check_role,
                                      _check_vocab, _load_subject_words, read_json)

try:  # the regex parser of the standard library (re._parser since Python 3.11)
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

VALUE_FILES = ("money.jsonl", "dates.jsonl", "quantities.jsonl", "percent.jsonl")
ENTITY_KINDS = {"company", "brand", "plant", "product", "platform", "body", "person", "place", "org"}
# A number: digits with thousands separators (comma, space, no-break spaces), a decimal part, or a
# continental 1.234,5. The atomic group and the start rule (never right after "digit + separator")
# keep every template linear on hostile input such as "123 123 123 ..." (no backtracking into it).
# Lookaheads such as (?=\d) come first: a cheap test before the lookbehinds, at every position.
NUM = (r"(?=\d)(?<![\w.,/])(?<![^\W\d_]-)(?<!\d[ \u00a0\u202f])(?>\d{1,3}(?:(?:,|[ \u00a0\u202f])\d{3})+(?:\.\d+)?"
       r"|\d{1,3}(?:\.\d{3})+,\d+|\d+(?:[.,]\d+)?)(?!\d|[.,]\d|(?:st|nd|rd|th)\b)")
RELATIVE = (r"\b(?:the\sday\s(?:after\stomorrow|before\syesterday)|today|yesterday|tomorrow|"
            r"(?:(?:earlier|later)\s)?(?:this|current)\s(?:year|yr|month|week|quarter|qtr|spring|summer|"
            r"autumn|fall|winter)|(?:last|next|previous|coming)\s(?:year|yr|month|week|quarter|qtr|spring|summer|autumn|fall|winter))\b")


# Macros rare enough in running text to say where a template can match: a template that needs one
# of them only runs around its occurrences (most specific first). Numbers, days, scales and
# modifiers are everywhere in a press release; templates that need nothing rarer run around the
# general value anchors (any digit, number word, month...).
ANCHOR_MACROS = ("cursym", "curcode", "curcodea", "curword", "minor", "iso", "month", "monthx", "weekday", "weekdays",
                 "ordday", "season", "fraction", "unitsym", "quarter", "half", "year", "relative", "dunit", "fuzz", "num",
                 "wordnum")
# an anchor only has to be found, not parsed: a cheaper regex than the macro's where one exists
ANCHOR_REGEX = {"num": r"\d+"}


@dataclass(frozen=True)
class ValuePattern:
    id: str
    label: str
    regexes: tuple[re.Pattern[str], ...]
    noun: str = ""  # quantities: "required", "none" or ""
    doc: str = ""
    # per regex: the compiled macro that every one of its matches contains, or None
    anchors: tuple[re.Pattern[str] | None, ...] = ()


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    label: str
    kind: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class PatternSet:
    """Everything loaded from one patterns folder; built once, shared read-only."""

    directory: Path
    lexicon: dict[str, Any]
    values: tuple[ValuePattern, ...]
    gazetteer: tuple[GazetteerEntry, ...]
    entity_rules: tuple[dict[str, Any], ...]
    roles: tuple[dict[str, Any], ...]
    attributes: tuple[dict[str, Any], ...]
    ids: tuple[str, ...] = field(default_factory=tuple)
    alias_index: dict[str, GazetteerEntry] = field(default_factory=dict, compare=False, hash=False)
    open_rules: Any = None  # pipeline.facts.open.OpenRules: the vocabulary and subject words


def _alias_index(gazetteer: list[GazetteerEntry]) -> dict[str, GazetteerEntry]:
    index: dict[str, GazetteerEntry] = {}
    for entry in gazetteer:
        for alias in (entry.name, *entry.aliases):
            index.setdefault(normalize_name(alias), entry)
    return index


def normalize_name(text: str) -> str:
    """Fold a name for lookup: case, curly quotes, leading 'the', possessive, spacing."""
    text = text.replace("’", "'").replace("‘", "'").strip()
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
    text = re.sub(r"'s$|'$", "", text)
    text = re.sub(r"[\s\u00a0]+", " ", text)
    return text.casefold().strip(" .,;:")


def _first_chars(items: list[str]) -> str:
    """A character class of the first characters of the items: a one-step test that lets the regex
    engine skip positions where no item can start (it tries alternatives one by one otherwise)."""
    chars = sorted({w[0] for w in items if w})
    return "[" + "".join(re.escape(c) for c in chars) + "]"


def _alternation(words: Any, *, boundary: str = "word", case_sensitive: bool = False) -> str:
    """Longest-first alternation of literal words; boundary 'word' (not inside a word) or
    'suffix' (may follow a digit directly: the 'bn' of '5.8bn')."""
    items = sorted({str(w) for w in words if str(w)}, key=lambda w: (-len(w), w))
    if not items:
        return "(?!)"
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)
    first = _first_chars(items)
    if case_sensitive:
        body = f"(?-i:(?={first})(?:{body}))"
    else:
        body = f"(?={first})(?:{body})"
    if boundary == "suffix":
        return rf"(?<![^\W\d_]){body}(?![\w²])"
    if case_sensitive:
        return rf"(?<![\w$€£¥]){body}(?![\w²])"
    return rf"\b{body}(?![\w²])"



def build_macros(lex: dict[str, Any]) -> dict[str, str]:
    """The regex body behind each {MACRO} of a value template, built from the lexicon."""
    months = [m.capitalize() for m in lex["months"]] + [m.upper() for m in lex["months"] if len(m) > 3]
    symbols = sorted(lex["currency_symbols"], key=lambda s: (-len(s), s))
    words = _alternation(lex["number_words"])
    return {
        "NUM": NUM,
        # a number glued to a code or symbol before it: 'USD3.14', 'Rs20', 'MYR42'
        "NUMA": NUM.replace(r"(?<![\w.,/])", r"(?<![\d.,/])", 1),
        "MOD": _alternation(lex["modifiers"]),
        # a symbol that starts with a letter never ends a word: 'available 24' holds no 'LE 24'
        "CURSYM": "(?:(?<![^\\W\\d_])(?:" + "|".join(re.escape(s) for s in symbols if s[0].isalpha()) + ")|(?:"
                  + "|".join(re.escape(s) for s in symbols if not s[0].isalpha()) + "))",
        # a code may be glued to the amount after it ('USD3.14'), never to a word
        "CURCODE": _alternation(lex["currency_codes"], case_sensitive=True).replace(r"(?![\w²])", r"(?![^\W\d_]|²)"),
        "CURWORD": _alternation(lex["currency_words"]),
        "SCALE": _alternation(lex["scales"], boundary="suffix"),
        "CSCALE": _alternation(lex["count_scales"], boundary="suffix"),
        "CSCALEA": r"(?<=\d)(?-i:" + "|".join(sorted(lex["attached_count_scales"], key=len, reverse=True)) + r")(?![\w²])",
        # a spelled-out number of up to sixteen words: 'six', 'twenty-five', 'seven hundred and twelve'
        "WORDNUM": words + r"(?:(?:[\s-]|(?<=hundred)\sand\s|(?<=thousand)\sand\s|(?<=million)\sand\s)" + words + "){0,15}+",  # possessive: never backtracks into the sequence
        "MINOR": _alternation(lex["currency_minor_units"], boundary="suffix"),
        "CURCODEA": _alternation(lex["currency_codes"], boundary="suffix", case_sensitive=True),
        "FRACTION": _alternation(lex["fractions"]),
        "UNITSYM": _alternation(lex["unit_symbols"], boundary="suffix"),
        # a month name: capitalised, upper case, or lower case where it is no English word ('june');
        # MONTHX, beside a day number, takes every month in any case ('march 3', 'the 1st of may')
        "MONTH": "(?:" + _alternation(months, case_sensitive=True) + "|" + _alternation(
            [m for m in lex["months"] if m not in lex["month_words_lowercase"]], case_sensitive=True) + ")",
        "MONTHX": _alternation(lex["months"]),
        # a day name (Monday, tue., Sat.): abbreviations that are English words only capitalised and
        # followed by a dot or comma ('Sun,' but not 'Sun Microsystems')
        "WEEKDAY": "(?:" + _alternation([w for w in lex["weekdays"] if w not in lex["weekday_words_lowercase"]]) + "|"
                   + _alternation([w.capitalize() for w in lex["weekday_words_lowercase"]], case_sensitive=True) + "(?=[.,]))",
        "WEEKDAYS": _alternation([w + "s" for w in lex["weekdays"] if len(w) > 4]),
        "ORDDAY": _alternation(lex["ordinal_days"]),
        "DUNIT": _alternation(lex["date_units"]),
        "DAY": r"(?=\d)(?<!\d)(?:[12]\d|3[01]|0?[1-9])(?!\d)",
        "YEAR": r"(?=[12])(?<![\w.,$€£¥#/])(?:19|20)\d\d(?![\w%/]|[.,]\d|\s?%|-\d)",
        "ISO": r"(?=[12])(?<![\w-])(?:19|20)\d\d-[01]\d-[0-3]\d(?![\w-])",
        "PREMOD": _alternation(lex["date_prefix_modifiers"]),
        "FUZZ": r"(?:" + "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in
                                sorted(lex["date_fuzzy"], key=lambda k: (-len(k), k))) + r")(?=[\s-]|\d)",
        "QUARTER": r"\b(?:Q[1-4]|[1-4]Q)",
        "ORDQ": r"\b(?:first|second|third|fourth|1st|2nd|3rd|4th)",
        "HALF": r"\b(?:H[12]|[12]H)",
        "ORDH": r"\b(?:first|second|1st|2nd)",
        "SEASON": _alternation(lex["seasons"]),
        "RELATIVE": RELATIVE,
    }


def expand_template(template: str, macros: dict[str, str]) -> str:
    """Replace {NAME} or {NAME2} by a named group `name` / `name2` holding the macro's regex."""
    def sub(m: re.Match[str]) -> str:
        name, suffix = m.group(1), m.group(2)
        if name not in macros:
            raise KeyError(name)
        return f"(?P<{name.lower()}{suffix}>{macros[name]})"

    return re.sub(r"\{([A-Z]+)(\d?)\}", sub, template)


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise PatternError("E025", path=path)
    rows, seen = [], {}
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PatternError("E020", path=path, line=i, reason=exc.msg) from exc
        if not isinstance(row, dict) or not str(row.get("id") or "").strip():
            raise PatternError("E021", path=path, line=i)
        if row["id"] in seen:
            raise PatternError("E022", path=path, line=i, id=row["id"], first=seen[row["id"]])
        seen[row["id"]] = i
        rows.append((i, row))
    return rows


def mandatory_groups(regex: str) -> set[str]:
    """Names of the groups that every match of `regex` must contain: not under an optional repeat,
    not in only some branches of an alternation, not inside a lookaround."""
    parsed = sre_parse.parse(regex, re.IGNORECASE)
    names = {number: name for name, number in parsed.state.groupdict.items()}
    c = sre_constants
    repeats = tuple(getattr(c, op) for op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(c, op))

    def sequence(items: Any) -> set[str]:
        found: set[str] = set()
        for op, av in items:
            found |= node(op, av)
        return found

    def node(op: Any, av: Any) -> set[str]:
        if op is c.SUBPATTERN:
            group, _, _, sub = av
            return ({names[group]} if group in names else set()) | sequence(sub)
        if op is getattr(c, "ATOMIC_GROUP", None):
            return sequence(av)
        if op in repeats:
            low, _, sub = av
            return sequence(sub) if low >= 1 else set()
        if op is c.BRANCH:
            branches = [sequence(b) for b in av[1]]
            return set.intersection(*branches) if branches else set()
        return set()

    return sequence(parsed)


def anchor_macro(regex: str) -> str:
    """The rarest macro every match of `regex` contains ('' if none is rare enough)."""
    required = {name.rstrip("0123456789") for name in mandatory_groups(regex)}
    return next((name for name in ANCHOR_MACROS if name in required), "")


def _load_values(directory: Path, macros: dict[str, str]) -> list[ValuePattern]:
    out = []
    for name in VALUE_FILES:
        path = directory / name
        for line, row in _read_jsonl(path):
            label = row.get("label")
            if label not in VALUE_LABELS:
                raise PatternError("E023", path=path, line=line, id=row["id"], label=label,
                                   known=", ".join(sorted(VALUE_LABELS)))
            templates = row.get("regex")
            templates = [templates] if isinstance(templates, str) else templates
            if not templates or not all(isinstance(t, str) for t in templates):
                raise PatternError("E024", path=path, line=line, id=row["id"], reason="'regex' must be a string or a list of strings")
            compiled, anchors = [], []
            for template in templates:
                try:
                    expanded = expand_template(template, macros)
                    compiled.append(re.compile(expanded, re.IGNORECASE))
                    anchor = anchor_macro(expanded)
                    anchors.append(re.compile(ANCHOR_REGEX.get(anchor, macros.get(anchor.upper(), "")), re.IGNORECASE)
                                   if anchor else None)
                    if anchor in ("", "num", "wordnum") and row.get("anchor"):  # a rarer anchor of its own
                        anchors[-1] = re.compile(expand_template(str(row["anchor"]), macros), re.IGNORECASE)
                except KeyError as exc:
                    raise PatternError("E024", path=path, line=line, id=row["id"],
                                       reason=f"unknown macro {{{exc.args[0]}}}") from exc
                except re.error as exc:
                    raise PatternError("E024", path=path, line=line, id=row["id"], reason=f"bad regex: {exc}") from exc
            out.append(ValuePattern(row["id"], label, tuple(compiled), str(row.get("noun") or ""), str(row.get("doc") or ""),
                                    tuple(anchors)))
    return out


def _load_gazetteer(path: Path) -> list[GazetteerEntry]:
    out = []
    for line, row in _read_jsonl(path):
        if row.get("label") not in ENTITY_LABELS:
            raise PatternError("E023", path=path, line=line, id=row["id"], label=row.get("label"),
                               known=", ".join(sorted(ENTITY_LABELS)))
        if row.get("kind") not in ENTITY_KINDS or not str(row.get("name") or "").strip():
            raise PatternError("E024", path=path, line=line, id=row["id"],
                               reason=f"needs a 'name' and a 'kind' among {sorted(ENTITY_KINDS)}")
        aliases = row.get("aliases") or []
        if not isinstance(aliases, list):
            raise PatternError("E024", path=path, line=line, id=row["id"], reason="'aliases' must be a list")
        out.append(GazetteerEntry(row["id"], row["label"], row["kind"], row["name"], tuple(aliases)))
    return out


def _load_checked(path: Path, required: tuple[str, ...], check: Any = None) -> list[dict[str, Any]]:
    out = []
    for line, row in _read_jsonl(path):
        missing = [k for k in required if k not in row]
        if missing:
            raise PatternError("E024", path=path, line=line, id=row["id"], reason=f"missing keys {missing}")
        if check:
            problem = check(row)
            if problem:
                raise PatternError("E024", path=path, line=line, id=row["id"], reason=problem)
        out.append(dict(row, _line=line, _file=path.name))
    return out


def load_patterns(directory: Path | str) -> PatternSet:
    """Load and validate every pattern file in `directory` (raises PatternError)."""
    directory = Path(directory)
    lexicon = read_json(directory / "lexicon.json")
    macros = build_macros(lexicon)
    values = _load_values(directory, macros)
    gazetteer = _load_gazetteer(directory / "entities.jsonl")
    entity_rules = _load_checked(directory / "entity_rules.jsonl", ("label", "pattern"), _check_entity_rule)
    roles = _load_checked(directory / "roles.jsonl", ("attribute", "phrases"), _check_role)
    attributes = _load_checked(directory / "attributes.jsonl", ("attribute", "strategy", "value_type"), _check_attribute)
    vocabulary = _load_checked(directory / "vocabulary.jsonl", ("attribute", "labels"), _check_vocab)
    from pipeline.facts.attributes import vocabulary_entries
    from pipeline.facts.open import OpenRules

    open_rules = OpenRules(vocabulary_entries(vocabulary), _load_subject_words(directory / "subjects.json"))
    ids = [p.id for p in values] + [g.id for g in gazetteer] + [r["id"] for r in (*entity_rules, *roles, *attributes, *vocabulary)]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise PatternError("E022", path=directory, line="-", id=dupes[0], first="another file")
    return PatternSet(directory, lexicon, tuple(values), tuple(gazetteer), tuple(entity_rules),
                      tuple(roles), tuple(attributes), tuple(ids), _alias_index(gazetteer), open_rules)
