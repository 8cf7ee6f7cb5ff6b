"""Schemas of the pattern files other than the value templates: attribute rules, roles, entity
rules, the open fact vocabulary and the subject words. Each check returns "" or the problem, which
the loader reports as `[E024] file line N (id): problem` before any article is read."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pipeline.errors import PatternError

VALUE_LABELS = {"MONEY", "DATE", "QUANTITY", "PERCENT"}
ENTITY_LABELS = {"ORG", "PERSON", "GPE", "FAC", "PRODUCT", "LOC", "NORP", "EVENT"}
VALUE_TYPES = {"money", "quantity", "date", "percent", "person", "entity", "text"}
STRATEGIES = {"value", "relation", "parent", "event_date", "segment", "milestone"}


def _check_attribute(row: dict[str, Any]) -> str:
    if row.get("strategy") not in STRATEGIES:
        return f"unknown strategy {row.get('strategy')!r} (known: {sorted(STRATEGIES)})"
    if row.get("value_type") not in VALUE_TYPES:
        return f"unknown value_type {row.get('value_type')!r}"
    return ""


ROLE_FLAGS = ("needs_org_after", "needs_org", "org_follows", "org_is_company", "place_ok", "office", "department_ok")
ROLE_KEYS = {"id", "attribute", "phrases", "doc", "portfolio_attribute", *ROLE_FLAGS}


def _check_role(row: dict[str, Any]) -> str:
    unknown = sorted(set(row) - ROLE_KEYS)
    if unknown:
        return f"unknown keys {unknown} (known: {sorted(ROLE_KEYS)})"
    phrases = row.get("phrases")
    if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
        return "'phrases' must be a non-empty list of strings"
    flags = [k for k in ROLE_FLAGS if k in row and not isinstance(row[k], bool)]
    if flags:
        return f"{flags} must be true or false"
    template = row.get("portfolio_attribute")
    if template is not None and (not isinstance(template, str) or "{portfolio}" not in template):
        return "'portfolio_attribute' must be a string holding {portfolio}"
    return ""


def _check_entity_rule(row: dict[str, Any]) -> str:
    if row.get("label") not in ENTITY_LABELS:
        return f"unknown label {row.get('label')!r} (known: {sorted(ENTITY_LABELS)})"
    if not isinstance(row.get("pattern"), list):
        return "'pattern' must be a list of token patterns"
    return ""


VOCAB_KEYS = {"id": str, "attribute": str, "labels": list, "words": list, "units": list, "prefer": list, "customer_preps": list, "rate_attribute": dict, "patterns": list,
              "doc": str}
SUBJECT_WORD_KEYS = {"_doc": str, "generic_refs": dict, "pronouns": list, "authorities": list, "beneficiary_preps": list,
                     "attach_preps": list, "role_words": list, "speech_verbs": list, "period_preps": list,
                     "planned_words": list, "clock_units": list, "not_subjects": list, "not_subject_patterns": list,
                     "granting_verbs": list, "target_verbs": list, "org_name_words": list, "market_words": list,
                     "plant_descriptors": list, "vague_quantities": list}


def _check_vocab(row: dict[str, Any]) -> str:
    unknown = sorted(set(row) - set(VOCAB_KEYS))
    if unknown:
        return f"unknown keys {unknown} (known: {sorted(VOCAB_KEYS)})"
    for key, kind in VOCAB_KEYS.items():
        if key in row and not isinstance(row[key], kind):
            return f"'{key}' must be a {kind.__name__}"
    if not set(row["labels"]) <= VALUE_LABELS:
        return f"unknown labels {sorted(set(row['labels']) - VALUE_LABELS)} (known: {sorted(VALUE_LABELS)})"
    if not set(row.get("prefer", ())) <= {"plant", "project", "product", "org"}:
        return f"unknown kinds in 'prefer' {sorted(set(row['prefer']) - {'plant', 'project', 'product', 'org'})}"
    if not row.get("words") and "units" not in row and not row.get("patterns"):
        return "needs 'words', 'units' or 'patterns'"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", row["attribute"]):
        return f"attribute {row['attribute']!r} must be snake_case"
    return ""


def read_json(path: Path) -> Any:
    """A JSON pattern file, or a coded error naming it (missing: E025, invalid: E020 with the line)."""
    if not path.is_file():
        raise PatternError("E025", path=path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PatternError("E020", path=path, line=exc.lineno, reason=exc.msg) from exc


def _load_subject_words(path: Path) -> dict[str, Any]:
    data = read_json(path)
    if not isinstance(data, dict):
        raise PatternError("E024", path=path, line=1, id="-", reason="must be a JSON object")
    for key, kind in SUBJECT_WORD_KEYS.items():
        if key not in data:
            raise PatternError("E024", path=path, line="-", id=key, reason="missing key")
        if not isinstance(data[key], kind):
            raise PatternError("E024", path=path, line="-", id=key, reason=f"must be a {kind.__name__}")
    unknown = sorted(set(data) - set(SUBJECT_WORD_KEYS))
    if unknown:
        raise PatternError("E024", path=path, line="-", id=unknown[0], reason=f"unknown key (known: {sorted(SUBJECT_WORD_KEYS)})")
    return data


