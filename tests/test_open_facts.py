"""The open facts stage on views built by hand (no model): subjects, attributes, periods,
modality and the reasons a value feeds no fact. Sentences are our own."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import PatternError
from pipeline.facts import never_subjects, open_facts
from pipeline.patterns import load_patterns
from pipeline.view import ArticleView, view_from_words

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rules():
    return load_patterns(ROOT / "patterns").open_rules


def run(rules, view: ArticleView):
    facts, outcomes = open_facts(view, rules, {})
    return facts, outcomes


def one(facts, value):
    found = [f for f in facts if f.value == value]
    assert len(found) == 1, facts
    return found[0]


# -- subjects --------------------------------------------------------------------------------------

def test_object_of_in_names_the_site(rules):
    # Renault will invest €550 million in its Douai plant .
    view = view_from_words(
        ["Renault", "will", "invest", "€550", "million", "in", "its", "Douai", "plant", "."],
        heads=[2, 2, 2, 4, 2, 2, 8, 8, 5, 2], deps=["nsubj", "aux", "ROOT", "nummod", "dobj", "prep", "poss", "compound", "pobj", "punct"],
        pos=["PROPN", "AUX", "VERB", "NUM", "NUM", "ADP", "PRON", "PROPN", "NOUN", "PUNCT"],
        entities=[("Renault", "ORG", "company", "Renault"), ("Douai plant", "FAC", "plant", "Douai plant")],
        values=[("€550 million", "MONEY", "550000000", "EUR")])
    facts, _ = run(rules, view)
    fact = one(facts, "550000000")
    assert (fact.subject, fact.attribute, fact.modality) == ("Douai plant", "investment", "planned")
    assert fact.rule_id.endswith("@attach")


def test_without_a_site_the_grammatical_subject(rules):
    # Renault invested €550 million in new equipment .
    view = view_from_words(
        ["Renault", "invested", "€550", "million", "in", "new", "equipment", "."],
        heads=[1, 1, 3, 1, 1, 6, 4, 1], deps=["nsubj", "ROOT", "nummod", "dobj", "prep", "amod", "pobj", "punct"],
        pos=["PROPN", "VERB", "NUM", "NUM", "ADP", "ADJ", "NOUN", "PUNCT"], lemmas=["Renault", "invest", "€550", "million", "in", "new", "equipment", "."],
        entities=[("Renault", "ORG", "company", "Renault")], values=[("€550 million", "MONEY", "550000000", "EUR")])
    fact = one(run(rules, view)[0], "550000000")
    assert (fact.subject, fact.attribute, fact.modality) == ("Renault", "investment", "actual")
    assert fact.rule_id.endswith("@subject")


def test_possessor_of_the_subject_noun(rules):
    # Kestrel 's revenue rose to €50 billion .
    view = view_from_words(
        ["Kestrel", "'s", "revenue", "rose", "to", "€50", "billion", "."],
        heads=[2, 0, 3, 3, 3, 6, 4, 3], deps=["poss", "case", "nsubj", "ROOT", "prep", "nummod", "pobj", "punct"],
        pos=["PROPN", "PART", "NOUN", "VERB", "ADP", "NUM", "NUM", "PUNCT"], lemmas=["Kestrel", "'s", "revenue", "rise", "to", "€50", "billion", "."],
        entities=[("Kestrel", "ORG", "company", "Kestrel")], values=[("€50 billion", "MONEY", "50000000000", "EUR")])
    fact = one(run(rules, view)[0], "50000000000")
    assert (fact.subject, fact.attribute) == ("Kestrel", "revenue")


def test_an_authority_gives_the_figure_to_its_beneficiary(rules):
    # The Commission approved €2 billion in aid for Voltrix .
    view = view_from_words(
        ["The", "Commission", "approved", "€2", "billion", "in", "aid", "for", "Voltrix", "."],
        heads=[1, 2, 2, 4, 2, 4, 5, 2, 7, 2], deps=["det", "nsubj", "ROOT", "nummod", "dobj", "prep", "pobj", "prep", "pobj", "punct"],
        pos=["DET", "PROPN", "VERB", "NUM", "NUM", "ADP", "NOUN", "ADP", "PROPN", "PUNCT"],
        lemmas=["the", "Commission", "approve", "€2", "billion", "in", "aid", "for", "Voltrix", "."],
        entities=[("Commission", "ORG", "body", "European Commission"), ("Voltrix", "ORG", "company", "Voltrix")],
        values=[("€2 billion", "MONEY", "2000000000", "EUR")])
    fact = one(run(rules, view)[0], "2000000000")
    assert (fact.subject, fact.attribute) == ("Voltrix", "funding")
    assert fact.rule_id.endswith("@beneficiary")


def test_a_price_paid_for_a_company_belongs_to_the_company_bought(rules):
    # Cisco will acquire Acacia for $4.5 billion .
    view = view_from_words(
        ["Cisco", "will", "acquire", "Acacia", "for", "$4.5", "billion", "."],
        heads=[2, 2, 2, 2, 2, 6, 4, 2], deps=["nsubj", "aux", "ROOT", "dobj", "prep", "nummod", "pobj", "punct"],
        pos=["PROPN", "AUX", "VERB", "PROPN", "ADP", "NUM", "NUM", "PUNCT"],
        entities=[("Cisco", "ORG", "company", "Cisco"), ("Acacia", "ORG", "company", "Acacia")],
        values=[("$4.5 billion", "MONEY", "4500000000", "USD")])
    fact = one(run(rules, view)[0], "4500000000")
    assert (fact.subject, fact.attribute) == ("Acacia", "deal_value")
    # and a plain investment by Cisco stays Cisco's (no buying verb)
    view = view_from_words(
        ["Cisco", "will", "invest", "$4.5", "billion", "."],
        heads=[2, 2, 2, 4, 2, 2], deps=["nsubj", "aux", "ROOT", "nummod", "dobj", "punct"],
        pos=["PROPN", "AUX", "VERB", "NUM", "NUM", "PUNCT"],
        entities=[("Cisco", "ORG", "company", "Cisco")], values=[("$4.5 billion", "MONEY", "4500000000", "USD")])
    assert one(run(rules, view)[0], "4500000000").subject == "Cisco"


def test_the_plant_refers_to_the_articles_plant(rules):
    # Toyota owns the Valenciennes plant . The plant employs 3,000 people .
    view = view_from_words(
        ["Toyota", "owns", "the", "Valenciennes", "plant", ".", "The", "plant", "employs", "3,000", "people", "."],
        heads=[1, 1, 4, 4, 1, 1, 7, 8, 8, 10, 8, 8],
        deps=["nsubj", "ROOT", "det", "compound", "dobj", "punct", "det", "nsubj", "ROOT", "nummod", "dobj", "punct"],
        pos=["PROPN", "VERB", "DET", "PROPN", "NOUN", "PUNCT", "DET", "NOUN", "VERB", "NUM", "NOUN", "PUNCT"],
        lemmas=["Toyota", "own", "the", "Valenciennes", "plant", ".", "the", "plant", "employ", "3,000", "people", "."],
        sent_starts=[0, 6], entities=[("Toyota", "ORG", "company", "Toyota"), ("Valenciennes plant", "FAC", "plant", "Valenciennes plant")],
        values=[("3,000 people", "QUANTITY", "3000", "people")])
    fact = one(run(rules, view)[0], "3000")
    assert (fact.subject, fact.attribute) == ("Valenciennes plant", "employees")


def test_an_organisation_in_a_title_is_never_the_subject(rules):
    # Lei Zhang , Chairman of Aesc , opened the Douai plant .
    view = view_from_words(
        ["Lei", "Zhang", ",", "Chairman", "of", "Aesc", ",", "opened", "the", "Douai", "plant", "."],
        entities=[("Lei Zhang", "PERSON", "person", "Lei Zhang"), ("Aesc", "ORG", "company", "AESC"),
                  ("Douai plant", "FAC", "plant", "Douai plant")])
    assert never_subjects(view, rules.words) == {"AESC"}
    plain = view_from_words(["Aesc", "opened", "the", "Douai", "plant", "."], entities=[("Aesc", "ORG", "company", "AESC")])
    assert never_subjects(plain, rules.words) == set()


def test_tickers_and_line_items_are_never_subjects(rules):
    view = view_from_words(["Ross", "Stores", "(", "ROST", ")", "EPS", "rose", "."],
                           entities=[("Ross Stores", "ORG", "company", "Ross Stores"), ("ROST", "ORG", "org", "ROST"),
                                     ("EPS", "ORG", "org", "EPS")])
    assert never_subjects(view, rules.words) == {"ROST", "EPS"}


# -- attributes, periods, modality -----------------------------------------------------------------

def test_key_figure_label_names_the_figure(rules):
    # Kestrel plant \n WORKFORCE : 2473
    view = view_from_words(["Kestrel", "plant", "\n", "WORKFORCE", ":", "2473"], sent_starts=[0, 3],
                           entities=[("Kestrel plant", "FAC", "plant", "Kestrel plant")], values=[("2473", "QUANTITY", "2473", "")])
    fact = one(run(rules, view)[0], "2473")
    assert (fact.subject, fact.attribute) == ("Kestrel plant", "employees")


def test_a_year_after_the_figure_is_its_period_not_a_fact(rules):
    # The plant built 89,527 vehicles in 2024 .
    view = view_from_words(
        ["Orla", "plant", "built", "89,527", "vehicles", "in", "2024", "."],
        heads=[1, 2, 2, 4, 2, 2, 5, 2], deps=["compound", "nsubj", "ROOT", "nummod", "dobj", "prep", "pobj", "punct"],
        pos=["PROPN", "NOUN", "VERB", "NUM", "NOUN", "ADP", "NUM", "PUNCT"], lemmas=["Orla", "plant", "build", "89,527", "vehicle", "in", "2024", "."],
        entities=[("Orla plant", "FAC", "plant", "Orla plant")],
        values=[("89,527 vehicles", "QUANTITY", "89527", "vehicle"), ("2024", "DATE", "2024", "")])
    facts, outcomes = run(rules, view)
    fact = one(facts, "89527")
    assert (fact.subject, fact.attribute, fact.period) == ("Orla plant", "production_volume", "2024")
    assert not [f for f in facts if f.value == "2024"]
    assert outcomes[(view.text.find("2024"), view.text.find("2024") + 4)].startswith("period:")


def test_future_and_hiring_words(rules):
    # Voltrix will hire 400 workers .
    view = view_from_words(
        ["Voltrix", "will", "hire", "400", "workers", "."],
        heads=[2, 2, 2, 4, 2, 2], deps=["nsubj", "aux", "ROOT", "nummod", "dobj", "punct"],
        pos=["PROPN", "AUX", "VERB", "NUM", "NOUN", "PUNCT"], lemmas=["Voltrix", "will", "hire", "400", "worker", "."],
        entities=[("Voltrix", "ORG", "company", "Voltrix")], values=[("400 workers", "QUANTITY", "400", "worker")])
    fact = one(run(rules, view)[0], "400")
    assert (fact.attribute, fact.modality) == ("jobs_created", "planned")


def test_unknown_figures_get_a_documented_fallback_name(rules):
    # Voltrix operates 12 ferries .
    view = view_from_words(
        ["Voltrix", "operates", "12", "ferries", "."],
        heads=[1, 1, 3, 1, 1], deps=["nsubj", "ROOT", "nummod", "dobj", "punct"],
        pos=["PROPN", "VERB", "NUM", "NOUN", "PUNCT"], lemmas=["Voltrix", "operate", "12", "ferry", "."],
        entities=[("Voltrix", "ORG", "company", "Voltrix")], values=[("12 ferries", "QUANTITY", "12", "ferry")])
    fact = one(run(rules, view)[0], "12")
    assert (fact.attribute, fact.rule_id) == ("ferry_count", "open.fallback@subject")


def test_a_date_range_gives_a_start_and_an_end(rules):
    # The Orla 5 was made between 1972 and 1985 .
    view = view_from_words(
        ["The", "Orla", "5", "was", "made", "between", "1972", "and", "1985", "."],
        heads=[2, 2, 4, 4, 4, 4, 5, 6, 6, 4], deps=["det", "compound", "nsubjpass", "auxpass", "ROOT", "prep", "pobj", "cc", "conj", "punct"],
        pos=["DET", "PROPN", "PROPN", "AUX", "VERB", "ADP", "NUM", "CCONJ", "NUM", "PUNCT"],
        lemmas=["the", "Orla", "5", "be", "make", "between", "1972", "and", "1985", "."],
        entities=[("Orla 5", "PRODUCT", "product", "Orla 5")], values=[("between 1972 and 1985", "DATE", "1972/1985", "")])
    facts = run(rules, view)[0]
    assert {(f.subject, f.attribute, f.value) for f in facts} == {("Orla 5", "production_start", "1972"),
                                                                  ("Orla 5", "production_end", "1985")}


# -- reasons ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("words,value,reason", [
    (["Published", ":", "June", "5", ",", "2025"], ("June 5 , 2025", "DATE", "2025-06-05", ""), "publication_date"),
    (["Updated", "13", "hours", "ago"], ("13 hours", "QUANTITY", "13", "hour"), "time_span"),
    (["Voltrix", "scored", "12", "."], ("12", "QUANTITY", "12", ""), "bare_number"),
    (["Voltrix", "won", "Car", "of", "the", "Year", "2025", "."], ("2025", "DATE", "2025", ""), "part_of_name"),
    (["Voltrix", "holds", "ISO", "14001", "."], ("14001", "QUANTITY", "14001", ""), "part_of_name"),
    (["Mira", "Holm", ",", "aged", "54", ",", "leads", "Voltrix", "."], ("54", "QUANTITY", "54", "year"), "age"),
    (["Voltrix", "approved", "Stage", "2", "projects", "."], ("2 projects", "QUANTITY", "2", "project"), "part_of_name"),
    (["Voltrix", "formed", "a", "50-50", "venture", "."], ("50-50 venture", "QUANTITY", "50", "venture"), "part_of_name"),
    (["Voltrix", "is", "a", "net", "zero", "maker", "."], ("zero maker", "QUANTITY", "0", "maker"), "zero"),
    (["Voltrix", "added", "hundreds", "of", "stores", "."], ("hundreds of stores", "QUANTITY", "200", "store"), "vague"),
    (["Voltrix", "liked", "its", "second", "quarter", "."], ("second quarter", "DATE", "XXXX-Q2", ""), "reporting_period"),
])
def test_reasons(rules, words, value, reason):
    pos = ["PROPN" if w[:1].isupper() and w not in ("Published", "Updated") else "X" for w in words]
    view = view_from_words(words, entities=[("Voltrix", "ORG", "company", "Voltrix")] if "Voltrix" in words else [],
                           values=[value], pos=pos)
    facts, outcomes = run(rules, view)
    assert not facts
    assert list(outcomes.values()) == [reason]


def test_a_count_after_an_ordinary_word_is_no_name(rules):
    # Voltrix approved 2 projects .  (no proper noun right before the count)
    view = view_from_words(["Voltrix", "approved", "2", "projects", "."], heads=[1, 1, 3, 1, 1],
                           deps=["nsubj", "ROOT", "nummod", "dobj", "punct"], pos=["PROPN", "VERB", "NUM", "NOUN", "PUNCT"],
                           entities=[("Voltrix", "ORG", "company", "Voltrix")], values=[("2 projects", "QUANTITY", "2", "project")])
    assert [f.value for f in run(rules, view)[0]] == ["2"]


def test_reasons_do_not_fire_on_ordinary_figures(rules):
    view = view_from_words(["Voltrix", "employs", "54", "engineers", "in", "Lyon", "."],
                           heads=[1, 1, 3, 1, 1, 4, 1], deps=["nsubj", "ROOT", "nummod", "dobj", "prep", "pobj", "punct"],
                           pos=["PROPN", "VERB", "NUM", "NOUN", "ADP", "PROPN", "PUNCT"],
                           lemmas=["Voltrix", "employ", "54", "engineer", "in", "Lyon", "."],
                           entities=[("Voltrix", "ORG", "company", "Voltrix")], values=[("54 engineers", "QUANTITY", "54", "engineer")])
    facts, outcomes = run(rules, view)
    assert [(f.subject, f.attribute) for f in facts] == [("Voltrix", "employees")]
    assert list(outcomes.values()) == ["employees@Voltrix"]


# -- the house ----------------------------------------------------------------------------------------

def test_the_facts_stage_never_imports_spacy():
    code = ("import sys; import pipeline.facts, pipeline.facts.open, pipeline.facts.subjects, pipeline.facts.attributes, "
            "pipeline.facts.qualifiers, pipeline.facts.syntax, pipeline.view, pipeline.patterns; "
            "print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_view_survives_json():
    view = view_from_words(["Voltrix", "employs", "54", "engineers", "."], entities=[("Voltrix", "ORG", "company", "Voltrix")],
                           values=[("54 engineers", "QUANTITY", "54", "engineer")])
    assert ArticleView.from_json(view.to_json()) == view


def test_a_vocabulary_entry_with_an_unknown_key_is_a_coded_error(patterns_copy):
    patterns = patterns_copy
    path = patterns / "vocabulary.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith("{") and '"words"' in line)
    row = json.loads(lines[n])
    row["wrods"] = row.pop("words")
    lines[n] = json.dumps(row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PatternError) as err:
        load_patterns(patterns)
    assert "E024" in str(err.value) and f"vocabulary.jsonl line {n + 1}" in str(err.value) and row["id"] in str(err.value)


@pytest.mark.parametrize("change,problem", [
    (lambda d: d.pop("pronouns"), "missing key"), (lambda d: d.update(pronouns="it"), "must be a list"),
    (lambda d: d.update(pronuons=["it"]), "unknown key"),
])
def test_subject_words_are_checked(patterns_copy, change, problem):
    patterns = patterns_copy
    path = patterns / "subjects.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PatternError) as err:
        load_patterns(patterns)
    assert "E024" in str(err.value) and "subjects.json" in str(err.value) and problem in str(err.value)


def test_a_change_to_any_source_file_changes_the_stamp(tmp_path):
    from pipeline.store import version_stamp

    package = tmp_path / "pipeline"
    for path in (ROOT / "pipeline").rglob("*.py"):
        target = package / path.relative_to(ROOT / "pipeline")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    before = version_stamp(ROOT / "patterns", "m", "1", package_dir=package)
    assert before == version_stamp(ROOT / "patterns", "m", "1", package_dir=package)
    subjects = package / "facts" / "subjects.py"
    subjects.write_text(subjects.read_text(encoding="utf-8") + "\n# a change\n", encoding="utf-8")
    assert version_stamp(ROOT / "patterns", "m", "1", package_dir=package) != before


def test_a_figure_about_the_market_feeds_no_fact(rules):
    # Global demand will grow 3 % . / Voltrix will grow 3 % .
    words = ["Global", "demand", "will", "grow", "3", "%", "."]
    kw = dict(heads=[1, 3, 3, 3, 5, 3, 3], deps=["amod", "nsubj", "aux", "ROOT", "nummod", "dobj", "punct"],
              pos=["ADJ", "NOUN", "AUX", "VERB", "NUM", "NOUN", "PUNCT"], lemmas=["global", "demand", "will", "grow", "3", "%", "."],
              values=[("3 %", "PERCENT", "3", "%")])
    view = view_from_words(words, entities=[], **kw)
    facts, outcomes = run(rules, view)
    assert not facts and list(outcomes.values()) == ["market"]
    kw["lemmas"] = ["Voltrix", "demand", "will", "grow", "3", "%", "."]
    view = view_from_words(["Voltrix", "sales", "will", "grow", "3", "%", "."], entities=[("Voltrix", "ORG", "company", "Voltrix")],
                           **{**kw, "lemmas": ["Voltrix", "sale", "will", "grow", "3", "%", "."], "deps": ["compound", "nsubj", "aux", "ROOT", "nummod", "dobj", "punct"]})
    assert [f.subject for f in run(rules, view)[0]] == ["Voltrix"]


def test_names_the_model_calls_persons():
    from pipeline.extract.entities import harmonize_labels
    from pipeline.types import Mention

    text = "Vineyard Wind 1 and the Jansen potash project; Avangrid Renewables. Barbara Rentler spoke; Rentler added."
    words = load_patterns(ROOT / "patterns").open_rules.words

    def person(surface, label="PERSON"):
        start = text.index(surface)
        return Mention("t", label, surface, start, start + len(surface), kind="person" if label == "PERSON" else "org",
                       canonical=surface, pattern_id="model.x")

    out = harmonize_labels([person("Vineyard Wind 1"), person("Jansen"), person("Avangrid Renewables"), person("Barbara Rentler"),
                            person("Rentler", "ORG")], text, words)
    assert [(m.text, m.kind) for m in out] == [("Vineyard Wind 1", "org"), ("Jansen", "project"), ("Avangrid Renewables", "org"),
                                              ("Barbara Rentler", "person"), ("Rentler", "person")]
    assert out[-1].canonical == "Barbara Rentler"


def test_a_range_of_amounts_gives_a_low_and_a_high_figure(rules):
    # Voltrix expects revenue of $1.16 to $1.21 billion .
    view = view_from_words(
        ["Voltrix", "expects", "revenue", "of", "$1.16", "to", "$1.21", "billion", "."],
        heads=[1, 1, 1, 2, 7, 7, 7, 3, 1], deps=["nsubj", "ROOT", "dobj", "prep", "quantmod", "quantmod", "quantmod", "pobj", "punct"],
        pos=["PROPN", "VERB", "NOUN", "ADP", "NUM", "ADP", "NUM", "NUM", "PUNCT"],
        lemmas=["Voltrix", "expect", "revenue", "of", "$1.16", "to", "$1.21", "billion", "."],
        entities=[("Voltrix", "ORG", "company", "Voltrix")],
        values=[("$1.16 to $1.21 billion", "MONEY", "1160000000/1210000000", "USD")])
    facts = run(rules, view)[0]
    assert sorted((f.subject, f.attribute, f.value, f.modality) for f in facts) == [
        ("Voltrix", "revenue_high", "1210000000", "planned"), ("Voltrix", "revenue_low", "1160000000", "planned")]


def test_an_order_goes_to_the_customer_even_one_the_model_missed(rules):
    # Boeing announced an order of 40 jets for Gulf Airline .
    view = view_from_words(
        ["Boeing", "announced", "an", "order", "of", "40", "jets", "for", "Gulf", "Airline", "."],
        heads=[1, 1, 3, 1, 3, 6, 4, 6, 9, 7, 1],
        deps=["nsubj", "ROOT", "det", "dobj", "prep", "nummod", "pobj", "prep", "compound", "pobj", "punct"],
        pos=["PROPN", "VERB", "DET", "NOUN", "ADP", "NUM", "NOUN", "ADP", "PROPN", "PROPN", "PUNCT"],
        lemmas=["Boeing", "announce", "an", "order", "of", "40", "jet", "for", "Gulf", "Airline", "."],
        entities=[("Boeing", "ORG", "company", "Boeing")], values=[("40 jets", "QUANTITY", "40", "jet")])
    fact = one(run(rules, view)[0], "40")
    assert (fact.subject, fact.attribute, fact.rule_id) == ("Gulf Airline", "order_size", "open.vocab.order-size@customer")


def test_a_milestone_ordinal_is_a_cumulative_production(rules):
    from dataclasses import replace

    # The Orla plant built its 100,000th car .
    view = view_from_words(["The", "Orla", "plant", "built", "its", "100,000th", "car", "."],
                           heads=[2, 2, 3, 3, 6, 6, 3, 3], deps=["det", "compound", "nsubj", "ROOT", "poss", "amod", "dobj", "punct"],
                           pos=["DET", "PROPN", "NOUN", "VERB", "PRON", "ADJ", "NOUN", "PUNCT"],
                           lemmas=["the", "Orla", "plant", "build", "its", "100,000th", "car", "."],
                           entities=[("Orla plant", "FAC", "plant", "Orla plant")], values=[("100,000th car", "QUANTITY", "100000", "vehicle")])
    milestone = replace(view, values=tuple(replace(v, pattern_id="quantity.ordinal-milestone") for v in view.values))
    assert [(f.subject, f.attribute) for f in run(rules, milestone)[0]] == [("Orla plant", "cumulative_production")]
    assert [f.attribute for f in run(rules, view)[0]] == ["production_volume"]  # the same count said as a count
