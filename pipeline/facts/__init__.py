"""The facts stage: pure functions over an ArticleView (pipeline/view.py); never imports spaCy
(tests/test_open_facts.py checks it).

open.py        the dispatcher: every value mention becomes a fact or gets a reason
subjects.py    which entity a value is about
attributes.py  what the value is, from patterns/vocabulary.jsonl
qualifiers.py  period and modality
syntax.py      dependency walks over the view's tokens
"""
from pipeline.facts.open import OpenRules, article_entities, open_facts
from pipeline.facts.references import never_subjects

__all__ = ["OpenRules", "article_entities", "open_facts", "never_subjects"]
