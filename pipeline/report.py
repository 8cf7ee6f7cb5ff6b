"""One self-contained HTML review page (no network): every reconciled fact with its formatted value,
modality, period, confidence and status, the evidence from each source (the stated value
highlighted, with the source's publication date); a legend; search and sort by subject and
attribute; disagreements between sources apart from ambiguity inside one source and from figures
revised by later sources; the values that produced no fact, with the reason the facts stage gives; each article with its
mentions highlighted and linked to the facts they feed.

All article text is escaped, and a Content-Security-Policy allows only the page's own script (by
hash): markup or script in an input article can never run, even if escaping were bypassed.

The page reads its search and sort from the address too (`report.html#q=douai&sort=attribute`),
so a link can open it filtered."""
from __future__ import annotations

import base64
import hashlib
import html
from collections import defaultdict

from pipeline.api import RunResult
from pipeline.display import STATUS_LABELS, display_status, format_value
from pipeline.reconcile import provenance
from pipeline.types import Article, Fact, Mention, ReconciledFact

VALUE_LABELS = {"DATE", "MONEY", "QUANTITY", "PERCENT"}
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d232b;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
main{padding:16px 24px}section{background:#fff;border:1px solid #dde2e8;border-radius:6px;margin:0 0 18px;padding:12px 16px}
table{border-collapse:collapse;width:100%}td.ev{width:38%;overflow-wrap:anywhere}th,td{border-bottom:1px solid #e6e9ee;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}th.sortable{cursor:pointer;white-space:nowrap}th.sortable:after{content:' \\2195';color:#8a94a6}
th[aria-sort=ascending]:after{content:' \\2191';color:#1d3557}th[aria-sort=descending]:after{content:' \\2193';color:#1d3557}
.status{font-weight:600;border-radius:10px;padding:1px 8px;font-size:12px;white-space:nowrap}
.agreed{background:#d8f3dc}.single{background:#e9ecef}.conflict{background:#ffd6d6;border:1px solid #c1121f}
.ambiguous{background:#fff0d6;border:1px dashed #b5651d}.superseded{background:#fff3bf}.revised{background:#e7e0f5}
.modality{font-size:12px;border-radius:4px;padding:0 5px}.planned{background:#e0ecf5;color:#1d3557}.actual{background:#f1f3f5}
.value{font-weight:600}.num{font-variant-numeric:tabular-nums}
.conf{display:inline-block;height:6px;background:#457b9d;border-radius:3px;vertical-align:middle;margin-right:4px}
mark{background:#ffe066;padding:0 2px}.m{border-bottom:2px solid #457b9d;cursor:pointer}.m:hover{background:#e0ecf5}
.m-MONEY{border-color:#2a9d8f}.m-DATE{border-color:#e76f51}.m-QUANTITY{border-color:#8d99ae}.m-PERSON{border-color:#9d4edd}
.m-nofact{border-bottom-style:dotted;background:#fbeaea}
.src{font-size:12px;color:#5c677d}.article{white-space:pre-wrap}.filters{margin:0 0 10px}label{margin-right:14px}
.legend dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}.legend dt{text-align:right}
#count{color:#5c677d;font-size:12px}
"""
SCRIPT = """
(function(){
var body=document.querySelector('#facts tbody'),q=document.getElementById('f-q'),
st=document.getElementById('f-status'),at=document.getElementById('f-attr');
function rows(){return Array.prototype.slice.call(body.querySelectorAll('tr.fact'));}
function apply(){var t=q.value.trim().toLowerCase(),s=st.value,a=at.value,n=0;
rows().forEach(function(r){var ok=(!s||r.dataset.status===s)&&(!a||r.dataset.attribute===a)&&
(!t||r.dataset.search.indexOf(t)>=0);r.style.display=ok?'':'none';if(ok){n++;}});
document.getElementById('count').textContent=n+' of '+rows().length+' facts shown';}
function sortBy(key,dir){var rs=rows(),num=key==='confidence'||key==='amount';
rs.sort(function(x,y){var u=x.dataset[key]||'',v=y.dataset[key]||'';
var c=num?(parseFloat(u||'0')-parseFloat(v||'0')):u.localeCompare(v);
if(c===0){c=x.dataset.subject.localeCompare(y.dataset.subject)||x.dataset.attribute.localeCompare(y.dataset.attribute);}
return dir==='desc'?-c:c;});rs.forEach(function(r){body.appendChild(r);});
document.querySelectorAll('#facts th.sortable').forEach(function(h){
h.setAttribute('aria-sort',h.dataset.key===key?(dir==='desc'?'descending':'ascending'):'none');});}
document.querySelectorAll('#facts th.sortable').forEach(function(h){h.addEventListener('click',function(){
sortBy(h.dataset.key,h.getAttribute('aria-sort')==='ascending'?'desc':'asc');});});
[q,st,at].forEach(function(e){e.addEventListener('input',apply);e.addEventListener('change',apply);});
var p={};location.hash.replace(/^#/,'').split('&').forEach(function(kv){var i=kv.indexOf('=');
if(i>0){p[decodeURIComponent(kv.slice(0,i))]=decodeURIComponent(kv.slice(i+1));}});
if(p.q){q.value=p.q;}if(p.status){st.value=p.status;}if(p.sort){sortBy(p.sort,p.dir||'asc');}
apply();})();
"""
LEGEND = (
    ("<span class='status agreed'>sources agree</span>", "several articles state compatible values"),
    ("<span class='status single'>one source</span>", "one article states it"),
    ("<span class='status conflict'>sources disagree</span>",
     "articles give incompatible values; the value shown has the most sources (ties: the earliest)"),
    ("<span class='status ambiguous'>ambiguous in one source</span>",
     "one article gives several values for the same thing (it corrects itself, or the rules read two figures)"),
    ("<span class='status revised'>revised by a later source</span>",
     "later articles changed the figure; the latest value is shown, the earlier ones beside it"),
    ("<span class='status superseded'>superseded</span>", "a role held by someone else later; period: years reported"),
    ("<span class='modality planned'>planned</span> <span class='modality actual'>actual</span>",
     "a figure announced for the future (\"will invest\", \"by 2030\") or one that is done; they never merge"),
    ("confidence", "1 − 0.4ⁿ for n agreeing sources (0.60, 0.84, 0.94); lower for conflicts; ×0.9 when approximate"),
    ("<span class='m m-MONEY'>value</span>", "in an article: a mention; dotted red: a value that fed no fact"),
    ("reason", "why a value fed no fact, as the facts stage records it (dateline, age, part_of_name, time_span...)"),
)


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


def _article_html(text: str, mentions: list[Mention], feeds: dict[tuple[int, int], list[int]],
                  fed: set[tuple[str, int, int]]) -> str:
    """Article text, escaped, with non-overlapping mentions wrapped in spans linking to facts."""
    out, pos = [], 0
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if m.start < pos or text[m.start:m.end] != m.text:
            continue
        out.append(_e(text[pos:m.start]))
        title = f"{m.label} {m.value} {m.unit}".strip()
        links = feeds.get((m.start, m.end), [])
        inner = _e(m.text)
        extra = ""
        if links:
            inner = f'<a href="#{_fact_id(links[0])}">{inner}</a>'
        elif _fed_no_fact(m, fed):
            extra, title = " m-nofact", f"{title} (no fact: {getattr(m, 'fed', '') or 'reason not recorded'})"
        out.append(f'<span class="m m-{_e(m.label)}{extra}" title="{_e(title)}">{inner}</span>')
        pos = m.end
    out.append(_e(text[pos:]))
    return "".join(out)


def _source_line(f: Fact, unit: str) -> str:
    published = f"published {_e(f.published)}" if f.published else "no publication date"
    return (f"<div>{_highlight(f.evidence, f.value_text)} <span class='src'>— "
            f"<a href='#article-{_e(f.article_id)}'>{_e(f.article_id)}</a>, {published}: "
            f"{_e(format_value(f.value, f.value_type, f.unit or unit, f.modifier))}</span></div>")


def _fact_row(i: int, r: ReconciledFact, facts: list[Fact]) -> str:
    shown = display_status(r.status, r.sources)
    value = _e(format_value(r.value, r.value_type, r.unit, r.modifier))
    others = [v for v in r.values if v != r.value]
    if others:
        word = "earlier" if r.status == "revised" else "also"
        value += (f" <span class='src'>({word}: " + _e("; ".join(format_value(v, r.value_type, r.unit) for v in others))
                  + ")</span>")
    amount = r.value if r.value_type in ("money", "quantity", "percent") and "/" not in r.value else ""
    modality = f"<span class='modality {_e(r.modality)}'>{_e(r.modality)}</span>" if r.modality else ""
    search = " ".join((r.subject, r.attribute, r.qualifier)).lower()
    width = int(round(r.confidence * 40))
    return (f"<tr class='fact' id='{_fact_id(i)}' data-status='{_e(shown)}' data-attribute='{_e(r.attribute)}' "
            f"data-subject='{_e(r.subject.lower())}' data-confidence='{r.confidence:.3f}' data-amount='{_e(amount)}' "
            f"data-search='{_e(search)}'>"
            f"<td>{_e(r.subject)}</td><td>{_e(r.attribute)}{(' · ' + _e(r.qualifier)) if r.qualifier else ''}</td>"
            f"<td class='value num'>{value}</td><td>{modality}</td><td>{_e(r.period)}</td>"
            f"<td class='num'><span class='conf' style='width:{width}px'></span>{r.confidence:.2f}</td>"
            f"<td><span class='status {_e(shown)}'>{_e(STATUS_LABELS.get(shown, shown))}</span></td>"
            f"<td class='num'>{r.n_sources}</td><td class='ev'>{''.join(_source_line(f, r.unit) for f in facts)}</td></tr>")


def _fed_no_fact(m: Mention, fed: set[tuple[str, int, int]]) -> bool:
    """A value mention that fed no fact: the facts stage gives a reason (no 'attribute@subject'), or,
    for extractions stored before it recorded one, no fact cites it."""
    if m.label not in VALUE_LABELS or not m.value:
        return False
    outcome = getattr(m, "fed", "")
    if outcome:  # 'attribute@subject': a fact's value; 'period:START': the period of the fact at START
        return "@" not in outcome and not outcome.startswith("period:")
    return (m.article_id, m.start, m.end) not in fed


def _left_out(articles: dict[str, Article], mentions: list[Mention], fed: set[tuple[str, int, int]]) -> list[str]:
    """Rows for the values that produced no fact, with the reason the facts stage gives."""
    rows = []
    for m in sorted(mentions, key=lambda m: (m.article_id, m.start)):
        if not _fed_no_fact(m, fed):
            continue
        text = articles[m.article_id].text if m.article_id in articles else ""
        before, after = text[max(0, m.start - 70):m.start], text[m.end:m.end + 70]
        reason = getattr(m, "fed", "") or "not recorded"
        rows.append(f"<tr><td><a href='#article-{_e(m.article_id)}'>{_e(m.article_id)}</a></td><td>{_e(m.label)}</td>"
                    f"<td class='value'>{_e(format_value(m.value, m.label.lower(), m.unit, m.modifier))}</td>"
                    f"<td>…{_e(before)}<mark>{_e(m.text)}</mark>{_e(after)}…</td><td>{_e(reason)}</td></tr>")
    return rows


def render_report(result: RunResult) -> str:
    rows: list[ReconciledFact] = result.rows
    index = {id(r): i for i, r in enumerate(rows)}
    evidence: dict[int, list[Fact]] = defaultdict(list)
    feeds: dict[str, dict[tuple[int, int], list[int]]] = defaultdict(lambda: defaultdict(list))
    for row, fact in provenance(rows, result.facts):
        i = index[id(row)]
        evidence[i].append(fact)
        feeds[fact.article_id][(fact.start, fact.end)].append(i)
    shown = [display_status(r.status, r.sources) for r in rows]
    attributes = sorted({r.attribute for r in rows})
    statuses = [s for s in STATUS_LABELS if s in shown]
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>press-facts review</title>"
             f"<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; "
             f"img-src data:; script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'\"><style>{STYLE}</style></head><body>",
             f"<header><h1>press-facts review</h1><div>{len(result.articles)} articles · {len(rows)} facts · "
             f"{shown.count('conflict')} disagreements between sources · {shown.count('ambiguous')} ambiguous in one source"
             f"</div></header><main>",
             "<section class='legend'><h2>Legend</h2><dl>"
             + "".join(f"<dt>{k}</dt><dd>{_e(v)}</dd>" for k, v in LEGEND) + "</dl></section>",
             "<section><h2>Facts</h2><div class='filters'><label>Search subject or attribute "
             "<input id='f-q' type='search' placeholder='e.g. Douai or investment'></label>"
             "<label>Status <select id='f-status'><option value=''>all</option>"
             + "".join(f"<option value='{_e(s)}'>{_e(STATUS_LABELS[s])}</option>" for s in statuses)
             + "</select></label><label>Attribute <select id='f-attr'><option value=''>all</option>"
             + "".join(f"<option>{_e(a)}</option>" for a in attributes) + "</select></label> <span id='count'></span></div>",
             "<table id='facts'><thead><tr><th class='sortable' data-key='subject'>subject</th>"
             "<th class='sortable' data-key='attribute'>attribute</th><th class='sortable' data-key='amount'>value</th>"
             "<th>modality</th><th>period</th><th class='sortable' data-key='confidence'>confidence</th><th>status</th>"
             "<th>sources</th><th>evidence (publication date)</th></tr></thead><tbody>"]
    parts.extend(_fact_row(i, r, evidence.get(i, [])) for i, r in enumerate(rows))
    parts.append("</tbody></table></section>")
    for title, kind, none in (("Disagreements between sources", "conflict", "No source disagrees with another."),
                              ("Ambiguous in one source", "ambiguous", "No article gives two values for one thing.")):
        parts.append(f"<section><h2>{title}</h2>")
        picked = [r for r, s in zip(rows, shown) if s == kind]
        if not picked:
            parts.append(f"<p>{none}</p>")
        for r in picked:
            i = index[id(r)]
            cells = "".join(f"<td><b>{_e(format_value(f.value, f.value_type, f.unit, f.modifier))}</b><br>"
                            f"{_highlight(f.evidence, f.value_text)}<div class='src'>{_e(f.article_id)}, "
                            f"{('published ' + _e(f.published)) if f.published else 'no publication date'}</div></td>"
                            for f in evidence.get(i, []))
            parts.append(f"<h3><a href='#{_fact_id(i)}'>{_e(r.subject)} · {_e(r.attribute)}</a> {_e(r.period)}</h3>"
                         f"<table><tr>{cells}</tr></table>")
        parts.append("</section>")
    articles = {a.id: a for a in result.articles}
    fed = {(f.article_id, f.start, f.end) for fs in evidence.values() for f in fs}
    left = _left_out(articles, result.mentions, fed)
    parts.append(f"<section id='left-out'><h2>Values that produced no fact ({len(left)})</h2>")
    parts.append("<table><thead><tr><th>article</th><th>label</th><th>value</th><th>context</th><th>reason</th></tr></thead>"
                 f"<tbody>{''.join(left)}</tbody></table>" if left else "<p>Every value fed a fact.</p>")
    parts.append("</section><section><h2>Articles</h2>")
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in result.mentions:
        by_article[m.article_id].append(m)
    for aid in sorted(articles):
        a = articles[aid]
        dated = f"published {_e(a.published)} ({_e(a.published_from)})" if a.published else "no publication date"
        parts.append(f"<h3 id='article-{_e(aid)}'>{_e(aid)} <span class='src'>{dated}</span></h3><div class='article'>"
                     f"{_article_html(a.text, by_article[aid], feeds[aid], fed)}</div>")
    parts.append(f"</section></main><script>{SCRIPT}</script></body></html>")
    return "".join(parts)
