"""The parts of a role phrase that name a place or a portfolio rather than a company: public
offices ('French President X', 'Texas Governor X', 'president of the Hauts-de-France region',
'Economy Minister X', 'Minister for Industry X') and departments after a long title ('Executive
Vice President of Operations at Y'); and the company a title takes when none is named next to it
('new CEO X', "X, the company's chief executive": the article's main company). The vocabularies are
data: lexicon keys `demonyms`, `office_portfolios`, `office_place_nouns`, `company_bodies`,
`company_generic_nouns` (patterns/README.md)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

from pipeline.types import Mention

PLACE_LABELS = {"GPE", "LOC", "NORP"}


@dataclass(frozen=True)
class OfficeVocab:
    demonyms: dict[str, str]  # 'french' -> 'France'
    portfolios: frozenset[str]  # 'economy', 'industry'...
    place_nouns: frozenset[str]  # 'region', 'state', 'province'...
    departments: frozenset[str]  # 'operations', 'sales'... (the lexicon's `departments`)
    bodies: frozenset[str] = frozenset()  # 'board of directors', 'works council'...: a company's own bodies
    generic_companies: frozenset[str] = frozenset()  # 'company', 'carmaker'...: "the company's CEO"
    org_nouns: frozenset[str] = frozenset()  # 'union', 'party'...: part of the name after 'of the Community'
    appointment_verbs: frozenset[str] = frozenset()  # 'appoint', 'name'...: 'Y appointed X as chairman'

    def not_role_org(self, name: str) -> bool:
        """A department or a company's own body, never the organisation of a title borrowed from
        elsewhere in the sentence or article ('Tom Peterson, Director of Operations, and Teresa
        Sullivan, Director of Finance'; 'its Board of Directors has named X chief executive')."""
        key = " ".join(name.lower().replace("the ", " ").split())
        return key in self.departments or key in self.bodies

    @classmethod
    def from_lexicon(cls, lexicon: dict[str, Any], departments: frozenset[str] = frozenset()) -> "OfficeVocab":
        return cls({_key(k): v for k, v in lexicon.get("demonyms", {}).items()},
                   frozenset(w.lower() for w in lexicon.get("office_portfolios", ())),
                   frozenset(w.lower() for w in lexicon.get("office_place_nouns", ())),
                   frozenset(departments) or frozenset(w.lower() for w in lexicon.get("departments", ())),
                   frozenset(w.lower() for w in lexicon.get("company_bodies", ())),
                   frozenset(w.lower() for w in lexicon.get("company_generic_nouns", ())),
                   frozenset(w.lower() for w in lexicon.get("org_type_nouns", ())),
                   frozenset(w.lower() for w in lexicon.get("appointment_verbs", ())))


def _key(text: str) -> str:
    return text.lower().replace(".", "")


def country_of(name: str, vocab: OfficeVocab) -> str:
    """The country a demonym or short form names ('U.S.' -> 'United States'), else the name itself."""
    return vocab.demonyms.get(_key(name), name)


def portfolio_before(doc: Doc, k: int, sent: Span, vocab: OfficeVocab) -> tuple[str, int]:
    """Portfolio words just before a title: 'Economy and Finance Minister' -> ('economy_finance', start)."""
    i = k
    while i > sent.start and (doc[i - 1].lower_ in vocab.portfolios or
                              (doc[i - 1].lower_ in ("and", "&") and i - 1 > sent.start and i < k
                               and doc[i - 2].lower_ in vocab.portfolios)):
        i -= 1
    words = [t.lower_ for t in doc[i:k] if t.lower_ in vocab.portfolios]
    return "_".join(words), i


def portfolio_after(doc: Doc, j: int, sent: Span, vocab: OfficeVocab, words: frozenset[str]) -> tuple[str, int]:
    """'of the Economy', 'for Industry and Trade', 'of Operations' after a title: (slug, end) or ('', j)."""
    if j >= sent.end or doc[j].lower_ not in ("of", "for"):
        return "", j
    i = j + 1
    if i < sent.end and doc[i].lower_ == "the":
        i += 1
    start = i
    while i < sent.end and (doc[i].lower_ in words or (doc[i].lower_ in ("and", "&") and i > start and i + 1 < sent.end
                                                        and doc[i + 1].lower_ in words)):
        i += 1
    # "Human Resources", "Supply Chain": a capitalised word may finish a department named by its first word
    while start < i < sent.end and doc[i - 1].lower_ in vocab.departments and doc[i].is_title and doc[i].is_alpha \
            and doc[i].ent_type_ != "PERSON" and i - start < 2:
        i += 1
    found = [t.lower_ for t in doc[start:i] if t.lower_ not in ("and", "&", "the")]
    return ("_".join(found), i) if found else ("", j)


def country_before(doc: Doc, k: int, sent: Span, vocab: OfficeVocab) -> str:
    """'French' (or 'france') just before token k: the country an office belongs to."""
    if k > sent.start:
        return vocab.demonyms.get(_key(doc[k - 1].text), "")
    return ""


def place_at(doc: Doc, i: int, sent: Span, vocab: OfficeVocab) -> tuple[str, int]:
    """A place named after 'of' in an office: 'the Hauts-de-France region', 'the State of Texas',
    'Seine-Saint-Denis'. A capitalised (hyphenated) run that the model calls a place in part, or that a
    place noun ends. ('', i) when there is none."""
    if i < sent.end and doc[i].lower_ == "the":
        i += 1
    start, j = i, i
    while j < sent.end:
        tok = doc[j]
        if (tok.is_title or tok.is_upper) and tok.is_alpha:
            j += 1
        elif tok.text in ("-", "–") and j > start and j + 1 < sent.end and doc[j + 1].is_alpha:
            j += 1
        elif tok.is_lower and tok.is_alpha and j > start and doc[j - 1].text == "-" and j + 1 < sent.end \
                and doc[j + 1].text == "-":
            j += 1  # 'Hauts-de-France'
        else:
            break
    if j == start:
        return "", i
    end = j
    if end < sent.end and doc[end].lower_ in vocab.place_nouns:
        end += 1
    else:  # no place noun: the run ends with the model's place ('the United States Joe Biden')
        places = [t.i for t in doc[start:j] if t.ent_type_ in PLACE_LABELS]
        if not places:
            return "", i
        end = places[-1] + 1
    return doc[start:end].text, end


def generic_company_before(doc: Doc, k: int, sent: Span, vocab: OfficeVocab) -> bool:
    """"the company's", "the carmaker's" just before token k."""
    return k - 3 >= sent.start and doc[k - 1].tag_ == "POS" and doc[k - 2].lower_ in vocab.generic_companies \
        and doc[k - 3].lower_ == "the"


def main_company(entities: list[Mention], vocab: OfficeVocab) -> str | None:
    """The company an article is about: mentioned at least twice and more often than any other."""
    counts: dict[str, int] = {}
    for m in entities:
        if m.label == "ORG" and m.kind in ("company", "brand", "org") and not vocab.not_role_org(m.text):
            counts[m.canonical] = counts.get(m.canonical, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None
