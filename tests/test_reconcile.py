"""Reconciliation on hand-built facts: agreement, precision, approximation, conflict, periods, modality."""
from hypothesis import given, settings, strategies as st

from pipeline.export import FACT_COLUMNS, fact_rows, render_csv
from pipeline.reconcile import reconcile
from pipeline.types import Fact


def fact(aid, subject, attribute, value, value_type="quantity", *, unit="", period="", modifier="",
         modality="actual", published="", evidence="", start=0):
    return Fact(aid, subject, attribute, value, value_type, unit=unit, period=period, modifier=modifier,
                modality=modality, published=published, evidence=evidence or f"{aid} says {value}", start=start,
                rule_id="test")


def one(rows, attribute, period=""):
    matches = [r for r in rows if r.attribute == attribute and r.period == period]
    assert len(matches) == 1, matches
    return matches[0]


def test_agreement_merges_sources_and_keeps_earliest_evidence():
    rows, conflicts = reconcile([
        fact("b", "Douai plant", "investment", "550000000", "money", unit="EUR", published="2025-09-16"),
        fact("a", "Douai plant", "investment", "550000000", "money", unit="EUR", published="2024-01-01"),
    ])
    row = one(rows, "investment")
    assert (row.status, row.n_sources, row.sources) == ("agreed", 2, ("a", "b"))
    assert row.evidence == "a says 550000000" and not conflicts
    assert row.confidence > 0.8


def test_compatible_date_precision_merges_to_most_specific():
    rows, _ = reconcile([
        fact("a", "Nissan Micra", "launch_date", "2025", "date"),
        fact("b", "Nissan Micra", "launch_date", "2025", "date", modifier="late"),
        fact("c", "Nissan Micra", "launch_date", "2025-11", "date"),
    ])
    row = one(rows, "launch_date")
    assert (row.value, row.status, row.n_sources) == ("2025-11", "agreed", 3)


def test_fuzzy_part_and_month_that_disagree_conflict():
    rows, conflicts = reconcile([
        fact("a", "X", "launch_date", "2025", "date", modifier="early"),
        fact("b", "X", "launch_date", "2025-11", "date"),
    ])
    assert one(rows, "launch_date").status == "conflict" and len(conflicts) == 2


def test_approximate_numbers_agree():
    rows, _ = reconcile([
        fact("a", "Douai plant", "production_volume", "89527", unit="vehicle", period="2024"),
        fact("b", "Douai plant", "production_volume", "90000", unit="vehicle", period="2024", modifier="less_than"),
    ])
    row = one(rows, "production_volume", "2024")
    assert (row.value, row.status, row.modifier) == ("89527", "agreed", "")


def test_conflict_lists_every_source_never_averages():
    rows, conflicts = reconcile([
        fact("a", "Plant", "employees", "4200", unit="employee"),
        fact("b", "Plant", "employees", "3900", unit="employee"),
        fact("c", "Plant", "employees", "4200", unit="employee"),
    ])
    row = one(rows, "employees")
    assert (row.status, row.value, row.values, row.n_sources) == ("conflict", "4200", ("3900", "4200"), 3)
    assert sorted((f.article_id, f.value) for _, f in conflicts) == [("a", "4200"), ("b", "3900"), ("c", "4200")]
    assert row.confidence < 0.6


def test_different_periods_and_modalities_never_merge():
    rows, _ = reconcile([
        fact("a", "Plant", "production_volume", "50729", unit="vehicle", period="2023"),
        fact("a", "Plant", "production_volume", "89527", unit="vehicle", period="2024"),
        fact("b", "Plant", "production_volume", "150000", unit="vehicle", period="2024", modality="planned"),
    ])
    assert len(rows) == 3 and all(r.status == "single" for r in rows)


def test_subject_names_fold_case_and_article():
    rows, _ = reconcile([fact("a", "the Douai Plant", "model_count", "6"), fact("b", "Douai plant", "model_count", "6")])
    assert len(rows) == 1 and rows[0].n_sources == 2


FACTS = [
    fact("a", "P", "employees", "4200", unit="employee", published="2024-01-02"),
    fact("b", "P", "employees", "3900", unit="employee", published="2024-01-02"),
    fact("c", "P", "employees", "4200", unit="employee"),
    fact("a", "M", "launch_date", "2025", "date", modifier="late"),
    fact("b", "M", "launch_date", "2025", "date"),
    fact("c", "M", "launch_date", "2025-10", "date"),
    fact("d", "N", "ceo", "Ann Lee", "person"),
    fact("e", "N", "ceo", "ann lee", "person"),
]


@settings(max_examples=60, deadline=None)
@given(st.permutations(FACTS))
def test_order_independence(perm):
    expected = render_csv(FACT_COLUMNS, fact_rows(reconcile(FACTS)[0]))
    assert render_csv(FACT_COLUMNS, fact_rows(reconcile(list(perm))[0])) == expected


def test_role_succession_is_not_a_conflict():
    rows, conflicts = reconcile([
        fact("a", "Renault Group", "ceo", "Luca de Meo", "person", published="2021-03-01"),
        fact("b", "Renault Group", "ceo", "Luca de Meo", "person", published="2023-06-01"),
        fact("c", "Renault Group", "ceo", "François Provost", "person", published="2025-09-16"),
    ])
    assert not conflicts
    assert [(r.value, r.status, r.period, r.sources) for r in rows] == [
        ("Luca de Meo", "superseded", "2021/2023", ("a", "b")), ("François Provost", "single", "", ("c",))]


def test_two_people_in_one_role_at_the_same_time_conflict():
    rows, conflicts = reconcile([
        fact("a", "Acme", "ceo", "Ann Lee", "person", published="2024-01-01"),
        fact("b", "Acme", "ceo", "Bob Stone", "person"),
    ])
    assert rows[0].status == "conflict" and len(conflicts) == 2


def test_person_name_variants_agree():
    rows, _ = reconcile([
        fact("a", "X", "ceo", "Zhang Lei", "person"), fact("b", "X", "ceo", "Lei Zhang", "person"),
        fact("a", "Y", "plant_director", "Didier Leroy", "person"), fact("b", "Y", "plant_director", "Mr Leroy", "person"),
    ])
    by_subject = {r.subject: r for r in rows}
    assert by_subject["X"].status == "agreed" and by_subject["X"].n_sources == 2
    assert (by_subject["Y"].value, by_subject["Y"].status) == ("Didier Leroy", "agreed")


def test_idempotence():
    from pipeline.reconcile import facts_from_rows

    rows, _ = reconcile(FACTS + [fact("x", "R", "ceo", "A B", "person", published="2020-01-01"),
                                 fact("y", "R", "ceo", "C D", "person", published="2022-01-01")])
    again, _ = reconcile(facts_from_rows(rows))
    assert render_csv(FACT_COLUMNS, fact_rows(again)) == render_csv(FACT_COLUMNS, fact_rows(rows))


def test_entity_resolution_aliases_suffixes_and_fuzzy():
    from pipeline.entity_resolution import resolve_entities
    from pipeline.types import Mention

    def m(aid, text, kind, canonical=None, pid="model.org"):
        return Mention(aid, "PERSON" if kind == "person" else "ORG", text, 0, len(text), pattern_id=pid, kind=kind,
                       canonical=canonical or text)

    mapping, records = resolve_entities([
        m("a", "Verkor S.A.", "company"), m("b", "Verkor", "company"), m("c", "Verkor", "company"),
        m("a", "Tesla Model 3", "product"), m("b", "Tesla Model Y", "product"),
        m("a", "Mitsubishi Motors", "company", pid="org.mitsubishi-motors"), m("b", "Mitsubishi Corporation", "company"),
        m("a", "Northvolt", "company"), m("b", "Nortvolt", "company"),
        m("a", "Zhang Lei", "person"), m("b", "Lei Zhang", "person"),
        m("a", "TMMF", "company", canonical="Toyota Motor Manufacturing France"),
        m("a", "Toyota Motor Manufacturing France", "company"), m("b", "TMMF", "company"),
    ], ["org.mitsubishi-motors"])
    assert mapping["Verkor S.A."] == "Verkor"
    assert mapping["Tesla Model 3"] != mapping["Tesla Model Y"]
    assert mapping["Mitsubishi Corporation"] == "Mitsubishi Corporation"  # a different company
    assert mapping["Nortvolt"] == "Northvolt"
    assert mapping["Lei Zhang"] == mapping["Zhang Lei"]
    assert mapping["TMMF"] == "Toyota Motor Manufacturing France"
    verkor = next(r for r in records if r.name == "Verkor")
    assert verkor.aliases == ("Verkor S.A.",) and verkor.articles == ("a", "b", "c") and verkor.id == "company:verkor"
    assert next(r for r in records if r.name == "Mitsubishi Motors").id == "org.mitsubishi-motors"


def test_acronym_and_person_short_forms_within_an_article(analyze_text):
    text = ("Toyota Motor Manufacturing France (TMMF) will hire 500 people. TMMF said Didier Leroy, CEO of "
            "TMMF, visited. Mr Leroy praised the workforce.")
    analysis = analyze_text(text)
    by_text = {m.text: m.canonical for m in analysis.entities}
    assert by_text["TMMF"] == "Toyota Motor Manufacturing France"
    assert by_text.get("Mr Leroy", "Didier Leroy") == "Didier Leroy"


def test_funding_kinds_stay_apart(facts_of):
    from pipeline.reconcile import reconcile as rec

    facts = facts_of("The Sochaux plant will receive a €30 million grant and a €50 million loan from the region.")
    kinds = sorted((f.qualifier, f.value) for f in facts if f.attribute == "funding")
    assert kinds == [("grant", "30000000"), ("loan", "50000000")]
    rows, conflicts = rec(facts)
    assert not conflicts and sorted(r.qualifier for r in rows if r.attribute == "funding") == ["grant", "loan"]


def test_one_article_with_two_values_is_ambiguous_never_a_conflict():
    # 'Kestrel employs 4,200 people ... the plant's 3,900 workers' in one release
    rows, conflicts = reconcile([fact("a", "Kestrel plant", "employees", "4200", unit="employee"),
                                 fact("a", "Kestrel plant", "employees", "3900", unit="employee", start=50)])
    assert sorted((r.value, r.status, r.n_sources) for r in rows) == [("3900", "ambiguous", 1), ("4200", "ambiguous", 1)]
    assert not conflicts and not any(r.status == "conflict" for r in rows)


def test_ambiguity_in_one_article_keeps_another_articles_agreement():
    rows, _ = reconcile([fact("a", "Kestrel plant", "employees", "4200", unit="employee"),
                         fact("a", "Kestrel plant", "employees", "3900", unit="employee", start=50),
                         fact("b", "Kestrel plant", "employees", "4200", unit="employee")])
    assert sorted((r.value, r.status, r.sources) for r in rows) == [("3900", "ambiguous", ("a",)),
                                                                   ("4200", "ambiguous", ("a", "b"))]


def test_later_sources_revise_a_figure_and_the_latest_is_current():
    # a plan of $3bn in 2021, raised to $8bn in 2023: one fact's history, not a conflict
    rows, conflicts = reconcile([fact("old", "Orla fab", "investment", "3000000000", "money", unit="USD", published="2021-03-01"),
                                 fact("new", "Orla fab", "investment", "8000000000", "money", unit="USD", published="2023-05-02")])
    row = one(rows, "investment")
    assert (row.status, row.value, row.values, row.sources) == ("revised", "8000000000", ("3000000000", "8000000000"),
                                                                ("new", "old"))
    assert not conflicts


def test_same_day_disagreement_is_a_conflict():
    rows, conflicts = reconcile([fact("x", "Orla fab", "investment", "3000000000", "money", unit="USD", published="2023-05-02"),
                                 fact("y", "Orla fab", "investment", "8000000000", "money", unit="USD", published="2023-05-02")])
    assert one(rows, "investment").status == "conflict" and len(conflicts) == 2
