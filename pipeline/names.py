"""Name folding and comparison shared by the entity stages (no spaCy, no pipeline state)."""
from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

LEGAL_SUFFIXES = {"holdings", "holding", "sa", "s a", "ag", "inc", "ltd", "plc", "se", "nv", "n v", "gmbh", "llc", "corp", "co", "sas",
                  "s a s", "spa", "s p a", "ab", "oyj", "asa", "bv", "kk", "limited", "incorporated", "corporation"}
HONORIFICS = {"mr", "mrs", "ms", "dr", "prof", "sir", "dame", "mme", "m"}
KIND_GROUP = {"company": "org", "brand": "org", "org": "org", "body": "org", "plant": "plant", "product": "product",
              "platform": "platform", "person": "person", "place": "place"}
FUZZY_THRESHOLD = 90


def name_key(name: str, kind: str = "", drop: frozenset[str] = frozenset()) -> str:
    """Folded comparison key: 'The Verkor S.A.’s' -> 'verkor'; 'Mr. Didier Leroy' -> 'didier leroy';
    `drop`: words left out of plant names ('Douai EV plant' -> 'douai plant')."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("’", "'")
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip())
    text = re.sub(r"'s$|'$", "", text)
    text = re.sub(r"[^\w]+", " ", text).strip()
    words = text.split()
    if KIND_GROUP.get(kind) == "person":
        words = [w for w in words if w not in HONORIFICS]
    elif drop and KIND_GROUP.get(kind) == "plant":
        words = [w for w in words if w not in drop] or words
    else:
        while len(words) > 1 and (words[-1] in LEGAL_SUFFIXES or " ".join(words[-2:]) in LEGAL_SUFFIXES):
            words = words[:-2] if " ".join(words[-2:]) in LEGAL_SUFFIXES else words[:-1]
    return " ".join(words)


def same_entity(a: str, b: str, kind: str) -> bool:
    """Two folded keys name the same entity: equal, same words in another order (people), or a
    near-identical spelling whose short and numeric tokens agree."""
    if a == b:
        return True
    ta, tb = a.split(), b.split()
    if KIND_GROUP.get(kind) == "person" and sorted(ta) == sorted(tb):
        return True
    hard = lambda tokens: {t for t in tokens if len(t) <= 2 or any(c.isdigit() for c in t)}  # noqa: E731
    if hard(ta) != hard(tb) or not ta or not tb or ta[0][:3] != tb[0][:3]:
        return False
    return fuzz.ratio(a, b) >= FUZZY_THRESHOLD and min(len(a), len(b)) >= 6


def person_variant(short: str, full: str) -> bool:
    """'Leroy' or 'D. Leroy' is a variant of 'Didier Leroy' (same surname, compatible initials)."""
    s, f = short.split(), full.split()
    if not s or not f or len(s) >= len(f) or s[-1] != f[-1]:
        return False
    return all(x == y or (len(x) == 1 and y.startswith(x)) for x, y in zip(s[:-1], f))


def initials_match(acronym: str, name: str) -> bool:
    words = [w for w in re.split(r"[\s-]+", name) if w and w[0].isalpha()]
    initials = "".join(w[0] for w in words).upper()
    capitals = "".join(w[0] for w in words if w[0].isupper()).upper()
    return acronym.upper() in (initials, capitals)
