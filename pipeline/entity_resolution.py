"""One name per real-world entity across all articles (no spaCy here).

- Gazetteer entities keep their canonical id and name.
- Other names are keyed by a folded form (case, curly quotes, leading 'the', possessive,
  punctuation, legal-form suffixes such as S.A., AG, Inc., Ltd; never 'Group' or 'Motors', which
  tell companies apart) and fuzzy-matched within their type with rapidfuzz: names that differ only
  by a typo or word order join ("Zhang Lei" / "Lei Zhang"), names whose short or numeric tokens
  differ never do ("Model 3" / "Model Y").
- The result is visible as entities.csv: id, name, kind, every alias seen, the articles using it.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

from pipeline.names import KIND_GROUP, initials_match, name_key, same_entity
from pipeline.types import Fact, Mention

@dataclass(frozen=True)
class EntityRecord:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    articles: tuple[str, ...]
    n_mentions: int


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", unicodedata.normalize("NFKC", text).casefold()).strip("-")


def resolve_entities(mentions: Iterable[Mention], gazetteer: Iterable[str] = (),
                     plant_descriptors: Iterable[str] = ()) -> tuple[dict[str, str], list[EntityRecord]]:
    """(canonical name -> resolved name, entity records). Deterministic: clusters are formed over
    names sorted by global frequency, then name, whatever the order of the articles."""
    known = set(gazetteer)
    drop = frozenset(w.lower() for w in plant_descriptors)
    acronyms: dict[str, Counter[str]] = defaultdict(Counter)  # acronym -> the full names it stands for
    counts: Counter[tuple[str, str]] = Counter()
    gazetteer_ids: dict[tuple[str, str], str] = {}
    aliases: dict[tuple[str, str], set[str]] = defaultdict(set)
    articles: dict[tuple[str, str], set[str]] = defaultdict(set)
    kinds: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for m in mentions:
        if not m.kind or m.label in ("DATE", "MONEY", "QUANTITY", "PERCENT"):
            continue
        key = (KIND_GROUP.get(m.kind, "org"), m.canonical)
        counts[key] += 1
        aliases[key].update((m.text, m.canonical))
        articles[key].add(m.article_id)
        kinds[key][m.kind] += 1
        if m.pattern_id in known:
            gazetteer_ids[key] = m.pattern_id
        if m.text.isupper() and m.text != m.canonical and initials_match(m.text, m.canonical):
            acronyms[m.text][m.canonical] += 1
    clusters: list[list[tuple[str, str]]] = []
    for key in sorted(counts, key=lambda k: (k[0], k not in gazetteer_ids, -counts[k], k[1])):
        group, name = key
        folded = name_key(name, group, drop)
        for cluster in clusters:
            head = cluster[0]
            same_id = key in gazetteer_ids and gazetteer_ids.get(key) == gazetteer_ids.get(head)
            if head[0] == group and (same_id or not (key in gazetteer_ids and head in gazetteer_ids)
                                     and same_entity(folded, name_key(head[1], group, drop), group)):
                cluster.append(key)
                break
        else:
            clusters.append([key])
    mapping: dict[str, str] = {}
    ambiguous: set[str] = set()
    records = []
    for cluster in clusters:
        head = cluster[0]
        for key in cluster:
            if key[1] in mapping and mapping[key[1]] != head[1]:
                ambiguous.add(key[1])
            mapping[key[1]] = head[1]
        kind = sorted(sum((kinds[k] for k in cluster), Counter()).items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        records.append(EntityRecord(
            id=gazetteer_ids.get(head, f"{kind}:{_slug(head[1])}"), name=head[1], kind=kind,
            aliases=tuple(sorted(set().union(*(aliases[k] for k in cluster)) - {head[1]})),
            articles=tuple(sorted(set().union(*(articles[k] for k in cluster)))),
            n_mentions=sum(counts[k] for k in cluster)))
    for name in ambiguous:
        mapping.pop(name, None)
    for acronym, fulls in sorted(acronyms.items()):  # 'TMMF' in an article that never spells it out
        full = min(fulls.items(), key=lambda kv: (-kv[1], kv[0]))[0]  # most often defined, then by name
        if acronym in mapping and full in mapping and mapping[acronym] == acronym:
            mapping[acronym] = mapping[full]
    return mapping, sorted(records, key=lambda r: (r.kind, r.name, r.id))


def apply_names(facts: Iterable[Fact], mapping: dict[str, str]) -> list[Fact]:
    """Facts with subjects and entity values renamed to their resolved entity."""
    from dataclasses import replace

    out = []
    for f in facts:
        subject = mapping.get(f.subject, f.subject)
        value = mapping.get(f.value, f.value) if f.value_type in ("entity", "person") else f.value
        out.append(f if (subject, value) == (f.subject, f.value) else replace(f, subject=subject, value=value))
    return out
