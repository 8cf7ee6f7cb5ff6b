"""The house rules that a reader can check mechanically."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_module_of_the_package_passes_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "pipeline").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long
