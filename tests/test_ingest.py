import json

import pytest

from pipeline.errors import InputError
from pipeline.ingest import decode_bytes, find_published_date, html_to_text, read_file, read_inputs


@pytest.mark.parametrize("text, expected", [
    ("Douai, France – September 16, 2025 – This session marked", "2025-09-16"),
    ("Jan 24, 2018 - 01:17 pm\nThe company said", "2018-01-24"),
    ("PARIS, Jan. 5, 2024 /PRNewswire/ -- Renault Group announced", "2024-01-05"),
    ("Published: 2023-03-07\n\nBody text", "2023-03-07"),
    ("TOKYO, 3 March 2022 — Toyota said", "2022-03-03"),
    ("A release with no date at all. It mentions May 2023 in passing.", ""),
    ("Paris — February 30, 2025 — impossible date", ""),
])
def test_published_date_from_dateline(text, expected):
    assert find_published_date(text) == expected


def test_decode_variants(tmp_path):
    assert decode_bytes("Prix: 5 €".encode("utf-8"), "x") == "Prix: 5 €"
    assert decode_bytes("“smart” €".encode("cp1252"), "x") == "“smart” €"
    assert decode_bytes("hello €".encode("utf-16"), "x") == "hello €"
    with pytest.raises(InputError, match="E002"):  # UTF-16 without a BOM has NULs: refused, not guessed
        decode_bytes("hello".encode("utf-16-be"), "x")
    assert decode_bytes(b"\xef\xbb\xbfbom text", "x") == "bom text"
    with pytest.raises(InputError, match="E002"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary", "img.txt")
    with pytest.raises(InputError, match="E001"):
        decode_bytes(b"  \n ", "empty.txt")


def test_html_drops_script_and_style():
    text, meta = html_to_text("<html><head><title>T</title><style>p{}</style>"
                              "<meta property='article:published_time' content='2024-05-02T10:00:00Z'></head>"
                              "<body><script>alert(1)</script><p>Renault invested &euro;5m.</p><p>Second</p></body></html>")
    assert "alert" not in text and "p{}" not in text
    assert "Renault invested €5m." in text and "Second" in text
    assert meta["published"] == "2024-05-02"


NEWS_PAGE = """<!DOCTYPE html><html><head><title>Acme to build a plant - Daily Bugle</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"Acme to build a plant","datePublished":"2023-10-11T10:30:00+00:00"}</script></head><body>
<header><a href="/">Daily Bugle</a><nav><a href="/">Home</a> | <a href="/politics">Politics</a> |
<a href="/sports">Sports</a></nav></header>
<article><h1>Acme to build a plant</h1>
<p>Acme Corp. will invest $200 million in a new plant in Toledo, Ohio, the company said on Tuesday.</p>
<p>The plant will employ 450 people when it opens in 2026, according to the company's statement.</p>
<p>Construction starts in the spring; the site was chosen over two others in Michigan and Indiana.</p>
</article><aside><h3>Most read</h3><ul><li><a href="/x">Snow forecast for the weekend</a></li></ul></aside>
<footer><p>Subscribe to our newsletter</p><p>© 2023 Daily Bugle. All rights reserved.</p></footer></body></html>"""


def test_html_main_text_without_boilerplate_and_date_from_json_ld(tmp_path):
    (tmp_path / "acme.html").write_text(NEWS_PAGE, encoding="utf-8")
    [article], errors = read_file(tmp_path / "acme.html")
    assert not errors and article.published == "2023-10-11" and article.published_from == "html"
    assert article.text.startswith("Acme to build a plant\n\nAcme Corp. will invest $200 million")
    assert article.text.count("Acme to build a plant") == 1
    for boilerplate in ("Home", "Politics", "Most read", "Snow forecast", "Subscribe", "All rights reserved", "Daily Bugle"):
        assert boilerplate not in article.text


def test_jsonl_lines_and_errors(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a1", "text": "Nissan invested £1bn.", "published": "2024-02-01T09:00:00Z"}),
        "{not json",
        json.dumps({"text": ""}),
        json.dumps({"text": "No id here, dated in the text? No."}),
    ]), encoding="utf-8")
    articles, errors = read_file(path)
    assert [a.id for a in articles] == ["a1", "batch-4"]
    assert articles[0].published == "2024-02-01" and articles[0].published_from == "field"
    assert [e.code for e in errors] == ["E005", "E006"]
    assert "batch.jsonl line 2" in errors[0].message


def test_cli_published_never_overrides_a_stated_date(tmp_path):
    (tmp_path / "a.txt").write_text("Berlin, March 3, 2024 – Text.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("No dateline here.", encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps({"text": "Acme said so.", "published": "2022-07-01"}), encoding="utf-8")
    (tmp_path / "d.html").write_text(NEWS_PAGE, encoding="utf-8")
    articles, _ = read_inputs([tmp_path], published="2020-01-01")
    got = {a.id: (a.published, a.published_from) for a in articles}
    assert got == {"a": ("2024-03-03", "dateline"), "b": ("2020-01-01", "cli"), "c": ("2022-07-01", "field"),
                   "d": ("2023-10-11", "html")}
    articles, _ = read_inputs([tmp_path])
    assert {a.id: a.published for a in articles}["b"] == ""


def test_forced_published_overrides_every_date(tmp_path):
    (tmp_path / "a.txt").write_text("Berlin, March 3, 2024 – Text.", encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps({"text": "Acme said so.", "published": "2022-07-01"}), encoding="utf-8")
    articles, _ = read_inputs([tmp_path], published="2020-01-01", force_published=True)
    assert {(a.published, a.published_from) for a in articles} == {("2020-01-01", "forced")}
    assert articles[0].dateline != (0, 0) or articles[1].dateline != (0, 0)  # the dateline is still no fact


def test_unsupported_files_in_a_folder_are_noted_not_failed(tmp_path):
    (tmp_path / "good.txt").write_text("Renault invested €10 million in 2024.", encoding="utf-8")
    (tmp_path / "deck.pdf").write_bytes(b"%PDF-1.7 ...")
    (tmp_path / "memo.docx").write_bytes(b"PK\x03\x04...")
    (tmp_path / "README").write_text("no extension", encoding="utf-8")
    (tmp_path / ".hidden.rtf").write_text("{\\rtf1}", encoding="utf-8")
    articles, errors = read_inputs([tmp_path])
    assert [a.id for a in articles] == ["good"]
    assert sorted((e.code, e.path.rsplit("/", 1)[-1]) for e in errors) == [
        ("E019", "README"), ("E019", "deck.pdf"), ("E019", "memo.docx")]
    assert "unsupported file type (no extension)" in [e for e in errors if e.path.endswith("README")][0].message
    _, errors = read_inputs([tmp_path / "deck.pdf"])  # named on the command line: a failure
    assert [e.code for e in errors] == ["E007"]


def test_bad_files_do_not_stop_the_others(tmp_path):
    (tmp_path / "good.txt").write_text("Renault invested €10 million in 2024.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "broken.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "copy.txt").write_text("Renault invested €10 million in 2024.", encoding="utf-8")
    (tmp_path / "dashes.txt").write_text("--- *** ---", encoding="utf-8")
    (tmp_path / "digits.txt").write_text("$10,000", encoding="utf-8")
    articles, errors = read_inputs([tmp_path])
    assert [a.id for a in articles] == ["copy", "digits"]  # a value with no letters is analysed
    codes = sorted(e.code for e in errors)
    assert codes == ["E001", "E002", "E004", "E009", "E011"]
    assert all(e.path and e.message.startswith("[E") for e in errors)


def test_symlink_loop_is_not_followed(tmp_path):
    (tmp_path / "a.txt").write_text("Nissan said so.", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    articles, errors = read_inputs([tmp_path])
    assert [a.id for a in articles] == ["a"] and not errors


def test_an_html_name_broken_over_lines_is_one_name():
    text, _ = html_to_text("<html><body><article><h1>Plant news</h1><p>The plant of <a href='/t'>Toyota Motor\n"
                           "      Manufacturing   France</a> (TMMF) in Onnaing built 250,000 cars in 2023, the company "
                           "said on Monday.</p><p>It employs 4,500 people and plans to hire 300 more by 2026.</p>"
                           "</article><footer>All rights reserved</footer></body></html>")
    assert "Toyota Motor Manufacturing France (TMMF)" in text and "All rights reserved" not in text


def test_force_published_needs_a_date_and_version_prints(capsys):
    from pipeline import __version__
    from pipeline.cli import main

    assert main(["run", "nowhere", "--force-published"]) == 2
    assert "[E044]" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"press-facts {__version__}"


def test_section_names_are_no_headline():
    from pipeline.htmltext import headline, html_to_text

    assert headline("Orla to build a battery plant in Lyon | The Daily Wire") == "Orla to build a battery plant in Lyon"
    assert headline("Business News") == "" and headline("Home - Kestrel Times") == ""
    page = ("<html><head><title>Business News</title></head><body><ul><li><a href='/b'>Business News</a></li>"
            "<li><a href='/s'>Sport</a></li></ul><div id='main'><h2>Business News</h2><p>Lyon, France - Orla will invest "
            "EUR 2 billion in a battery plant that will employ 1,200 people from 2027, the company said on Monday.</p>"
            "<p>Construction starts in spring and the site will cover 40 hectares near the river port.</p></div></body></html>")
    text, meta = html_to_text(page)
    assert not text.startswith("Business News") and text.lstrip().startswith("Lyon, France")
    kept = page.replace("<li><a href='/b'>Business News</a></li>", "")  # a heading no link repeats stays
    assert html_to_text(kept)[0].lstrip().startswith("Business News")
