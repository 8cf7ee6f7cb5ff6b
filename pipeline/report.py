"""One self-contained HTML review page (no network): every reconciled fact with its status and the
evidence from each source (the stated value highlighted), conflicts side by side, and each article
with its mentions highlighted and linked to the facts they feed.

All article text is escaped, and a Content-Security-Policy allows only the page's own script (by
hash): markup or script in an input article can never run, even if escaping were bypassed."""
from __future__ import annotations

import base64
import hashlib
import html
from collections import defaultdict

from pipeline.api import RunResult
from pipeline.reconcile import provenance
from pipeline.types import Fact, Mention, ReconciledFact

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d232b;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
main{padding:16px 24px}section{background:#fff;border:1px solid #dde2e8;border-radius:6px;margin:0 0 18px;padding:12px 16px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e6e9ee;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}.status{font-weight:600;border-radius:10px;padding:1px 8px;font-size:12px}
.agreed{background:#d8f3dc}.single{background:#e9ecef}.conflict{background:#ffd6d6}.superseded{background:#fff3bf}
mark{background:#ffe066;padding:0 2px}.m{border-bottom:2px solid #457b9d;cursor:pointer}.m:hover{background:#e0ecf5}
.m-MONEY{border-color:#2a9d8f}.m-DATE{border-color:#e76f51}.m-QUANTITY{border-color:#8d99ae}.m-PERSON{border-color:#9d4edd}
.src{font-size:12px;color:#5c677d}.article{white-space:pre-wrap}.filters{margin:0 0 10px}label{margin-right:14px}
"""
SCRIPT = """
function applyFilters(){var s=document.getElementById('f-status').value,a=document.getElementById('f-attr').value;
document.querySelectorAll('tr.fact').forEach(function(r){var ok=(!s||r.dataset.status===s)&&(!a||r.dataset.attribute===a);
r.style.display=ok?'':'none';});}
document.getElementById('f-status').addEventListener('change',applyFilters);
document.getElementById('f-attr').addEventListener('change',applyFilters);
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _highlight(sentence: str, stated: str) -> str:
    """The sentence, escaped, with the stated value marked."""
    at = sentence.find(stated) if stated else -1
    if at < 0:
        return _e(sentence)
    return _e(sentence[:at]) + "<mark>" + _e(stated) + "</mark>" + _e(sentence[at + len(stated):])


def _fact_id(index: int) -> str:
    return f"fact-{index}"


def _article_html(text: str, mentions: list[Mention], feeds: dict[tuple[int, int], list[int]]) -> str:
    """Article text, escaped, with non-overlapping mentions wrapped in spans linking to facts."""
    out, pos = [], 0
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if m.start < pos or text[m.start:m.end] != m.text:
            continue
        out.append(_e(text[pos:m.start]))
        title = f"{m.label} {m.value} {m.unit}".strip()
        links = feeds.get((m.start, m.end), [])
        inner = _e(m.text)
        if links:
            inner = f'<a href="#{_fact_id(links[0])}">{inner}</a>'
        out.append(f'<span class="m m-{_e(m.label)}" title="{_e(title)}">{inner}</span>')
        pos = m.end
    out.append(_e(text[pos:]))
    return "".join(out)


def render_report(result: RunResult) -> str:
    rows: list[ReconciledFact] = result.rows
    index = {id(r): i for i, r in enumerate(rows)}
    evidence: dict[int, list[Fact]] = defaultdict(list)
    feeds: dict[str, dict[tuple[int, int], list[int]]] = defaultdict(lambda: defaultdict(list))
    for row, fact in provenance(rows, result.facts):
        i = index[id(row)]
        evidence[i].append(fact)
        feeds[fact.article_id][(fact.start, fact.end)].append(i)
    attributes = sorted({r.attribute for r in rows})
    statuses = sorted({r.status for r in rows})
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>press-facts review</title>"
             f"<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; "
             f"img-src data:; script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'\"><style>{STYLE}</style></head><body>",
             f"<header><h1>press-facts review</h1><div>{len(result.articles)} articles · {len(rows)} facts · "
             f"{sum(r.status == 'conflict' for r in rows)} conflicts</div></header><main>",
             "<section><h2>Facts</h2><div class='filters'><label>Status <select id='f-status'><option value=''>all</option>"
             + "".join(f"<option>{_e(s)}</option>" for s in statuses) + "</select></label><label>Attribute "
             "<select id='f-attr'><option value=''>all</option>"
             + "".join(f"<option>{_e(a)}</option>" for a in attributes) + "</select></label></div>",
             "<table><thead><tr><th>subject</th><th>attribute</th><th>value</th><th>period</th><th>status</th>"
             "<th>sources</th><th>evidence</th></tr></thead><tbody>"]
    for i, r in enumerate(rows):
        value = " ".join(x for x in (r.modifier, r.value, r.unit) if x)
        ev = "".join(f"<div>{_highlight(f.evidence, f.value_text)} <span class='src'>— "
                     f"<a href='#article-{_e(f.article_id)}'>{_e(f.article_id)}</a> ({_e(f.value)})</span></div>"
                     for f in evidence.get(i, []))
        parts.append(f"<tr class='fact' id='{_fact_id(i)}' data-status='{_e(r.status)}' data-attribute='{_e(r.attribute)}'>"
                     f"<td>{_e(r.subject)}</td><td>{_e(r.attribute)}</td><td>{_e(value)}</td><td>{_e(r.period)}</td>"
                     f"<td><span class='status {_e(r.status)}'>{_e(r.status)}</span></td><td>{r.n_sources}</td><td>{ev}</td></tr>")
    parts.append("</tbody></table></section>")
    conflicts = [r for r in rows if r.status == "conflict"]
    parts.append("<section><h2>Conflicts</h2>")
    if not conflicts:
        parts.append("<p>No source disagrees with another.</p>")
    for r in conflicts:
        i = index[id(r)]
        cells = "".join(f"<td><b>{_e(f.value)} {_e(f.unit)}</b><br>{_highlight(f.evidence, f.value_text)}"
                        f"<div class='src'>{_e(f.article_id)} {_e(f.published)}</div></td>" for f in evidence.get(i, []))
        parts.append(f"<h3>{_e(r.subject)} · {_e(r.attribute)} {_e(r.period)}</h3><table><tr>{cells}</tr></table>")
    parts.append("</section><section><h2>Articles</h2>")
    texts = {a.id: a.text for a in result.articles}
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in result.mentions:
        by_article[m.article_id].append(m)
    for aid in sorted(texts):
        parts.append(f"<h3 id='article-{_e(aid)}'>{_e(aid)}</h3><div class='article'>"
                     f"{_article_html(texts[aid], by_article[aid], feeds[aid])}</div>")
    parts.append(f"</section></main><script>{SCRIPT}</script></body></html>")
    return "".join(parts)
