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
    assert meta["article:published_time"].startswith("2024-05-02")


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


def test_cli_published_is_second_choice(tmp_path):
    (tmp_path / "a.txt").write_text("Berlin, March 3, 2024 – Text.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("No dateline here.", encoding="utf-8")
    articles, _ = read_inputs([tmp_path], published="2020-01-01")
    by_id = {a.id: a for a in articles}
    assert by_id["a"].published == "2020-01-01" and by_id["a"].published_from == "cli"
    articles, _ = read_inputs([tmp_path])
    by_id = {a.id: a for a in articles}
    assert by_id["a"].published == "2024-03-03" and by_id["b"].published == ""


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
