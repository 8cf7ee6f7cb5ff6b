"""press-facts: turn press releases into one reconciled dataset of facts.

Data flows one way: ingest -> nlp -> mentions -> facts -> reconcile -> export.
The public entry points (`run`, `extract_articles`, `to_frame`) live in `pipeline.api`
and are re-exported here lazily, so importing a light module does not load spaCy.
"""
__version__ = "0.1.0"
__all__ = ["run", "extract_articles", "to_frame"]


def __getattr__(name: str):
    if name in __all__:
        from pipeline import api

        return getattr(api, name)
    raise AttributeError(name)
