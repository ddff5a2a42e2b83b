"""Unicode words, stems, placeholders, questions and prose units (mkdocs_reassign.text)."""

from mkdocs_reassign.text.units import split_sentences, split_units
from mkdocs_reassign.text.words import is_placeholder, is_question, stem, stems, tokens


def words(text):
    return [t[0] for t in tokens(text)]


def test_umlaut_is_one_word_never_rger():
    assert words("Ärger im Büro") == ["Ärger", "im", "Büro"]
    assert "rger" not in stems("Ärger")
    # decomposed input (A + combining diaeresis) is the same word
    assert words("A\u0308rger") == ["Ärger"]


def test_snake_kebab_camel_split():
    assert words("call_logs pre-call callReject HTTPServer") == ["call", "logs", "pre", "call", "call", "Reject", "HTTP", "Server"]
    assert stems("CALL_REJECT") == stems("call rejects")


def test_camel_run_keeps_its_glued_form():
    toks = tokens("the WebRTC peer")
    assert [t[0] for t in toks] == ["the", "Web", "RTC", "peer"]
    assert toks[1][3] == "webrtc" and toks[2][3] == ""


def test_english_stems_and_other_scripts():
    assert stem("disconnected") == stem("disconnecting") == stem("disconnects")
    assert stem("Отключение") == stem("отключения")  # Russian Snowball
    assert words("Агент отключился") == ["Агент", "отключился"]
    # scripts without spaces: one word per character
    assert words("エージェント切断") == list("エージェント切断")
    assert words("हिन्दी शब्द") == ["हिन्दी", "शब्द"]  # combining vowel signs stay in the word


def test_apostrophes_stay_inside_words():
    assert words("nobody's around") == ["nobody's", "around"]
    assert stem("nobody's") == stem("nobody\u2019s")


def test_placeholders():
    for text in ["TODO", "TBD", "Grace period: TBD", "FIXME later", "XXX", "...", "\u2026", "The visitor sees...",
                 "[Name]", "<name>", "| Logout | [describe the trigger] |", "{{ owner }}"]:
        assert is_placeholder(text), text
    for text in ["Grace period is 30 s.", "Retries 1, 2, 3, ... up to 5 times.", "[P2](../p2.md)", "- [x] Admin",
                 "| a | <br> |", "to do or not", "a Todo list app"]:
        assert not is_placeholder(text), text


def test_questions():
    assert is_question("Is there a grace period?")
    assert is_question("**Why?**")
    assert is_question("再割り当ては自動ですか？")
    assert not is_question("| Grace period? | 30 s |")
    assert not is_question("What if nobody's around? The widget hides.")


def test_sentences_keep_abbreviations():
    sents = [s for _, s in split_sentences("Timers, e.g. the grace timer, run on the server. Is it 30 s? Yes.")]
    assert sents == ["Timers, e.g. the grace timer, run on the server.", "Is it 30 s?", "Yes."]
    assert len(split_sentences("Version 1.2 ships soon. Done")) == 2


def test_units_kinds_lines_and_skipped_lines():
    lines = [
        "# Title",            # 1
        "",                   # 2
        "## Edge cases",      # 3
        "",                   # 4
        "First one. Second",  # 5
        "line two.",          # 6
        "",                   # 7
        "- item one",         # 8
        "  continues here",   # 9
        "- item two",         # 10
        "",                   # 11
        "| A | B |",          # 12
        "|---|---|",          # 13
        "| x | y |",          # 14
        "```",                # 15
        "code words",         # 16
        "```",                # 17
    ]
    prose = [1] * 14 + [0, 0, 0]
    us = split_units(lines, prose)
    got = [(u.first_line, u.kind, u.text) for u in us]
    assert got == [
        (1, "heading", "Title"),
        (3, "heading", "Edge cases"),
        (5, "sentence", "First one."),
        (5, "sentence", "Second line two."),
        (8, "item", "item one continues here"),
        (10, "item", "item two"),
        (12, "row", "A | B"),
        (14, "row", "x | y"),
    ]
    assert all(u.section == 1 for u in us[2:])


def test_unit_flags():
    lines = ["Is there a grace period? TODO"]
    us = split_units(lines, [1])
    assert [(u.text, u.is_question, u.is_placeholder) for u in us] == [
        ("Is there a grace period?", True, False), ("TODO", False, True)]


def test_a_lone_capital_ends_a_sentence():
    sents = [s for _, s in split_sentences("It can't be handed to B. The server holds the call.")]
    assert sents == ["It can't be handed to B.", "The server holds the call."]


def test_the_stored_class_of_combining_marks_is_this_pythons():
    """words._MARKS is stored for one Unicode version (computing it walks the BMP at every start)."""
    import unicodedata

    from mkdocs_reassign.text import words

    assert words._mark_class() == (words._MARKS_KNOWN if unicodedata.unidata_version == words._MARKS_UNIDATA else words._MARKS)
    assert words._MARKS == words._mark_class()


def test_pystemmer_is_used_and_no_snowball_package_is_imported():
    """PyStemmer (a dependency) stems, loaded at the first stem, not at import (its library is 0.7 MiB resident, and
    a forked build's own process never stems); snowballstemmer's package, which imports 30 languages, is not loaded."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from mkdocs_reassign.text import words\n"
            "assert 'Stemmer' not in sys.modules, 'loaded before the first stem'\n"
            "assert words.stem('running') == 'run'\n"
            "assert not [m for m in sys.modules if m.startswith('snowballstemmer')], 'snowballstemmer loaded'\n"
            "print(type(words.stemmers()[0]).__module__)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "Stemmer"


def _vocabulary() -> list[str]:
    """Every word of the shared corpus, the paraphrase set and the shipped contracts (about 15,000)."""
    import glob
    import os
    import re

    here = os.path.dirname(os.path.abspath(__file__))
    roots = [os.path.join(here, "..", "..", "shared"), os.path.join(here, "..", "mkdocs_reassign"), os.path.join(here, "..", "docs")]
    words = set()
    for root in roots:
        for path in glob.glob(os.path.join(root, "**", "*.*"), recursive=True):
            if path.endswith((".md", ".yml", ".yaml")) and os.path.isfile(path):
                with open(path, encoding="utf-8", errors="ignore") as f:
                    words |= {w.casefold() for w in re.findall(r"\w+(?:'\w+)*", f.read())}
    return sorted(words)


def test_pure_python_fallback_stems_as_pystemmer_and_leaves_no_package_behind():
    """Without PyStemmer (pip --no-deps, an unusual platform) words loads snowballstemmer's English and Russian
    modules alone: the stems must be PyStemmer's on the whole corpus vocabulary, and a later
    ``import snowballstemmer`` must get the real package."""
    import subprocess
    import sys

    import Stemmer

    vocab = _vocabulary()
    assert len(vocab) > 5000
    code = (
        "import sys, json\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'Stemmer': raise ImportError('blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from mkdocs_reassign.text import words\n"
        "en, ru = words.stemmers()\n"
        "assert type(en).__module__ == 'snowballstemmer.english_stemmer', type(en)\n"
        "assert not [m for m in sys.modules if m.startswith('snowballstemmer')], 'left behind'\n"
        "ws = json.load(sys.stdin)\n"
        "print(json.dumps([[en.stemWord(w) for w in ws], [ru.stemWord(w) for w in ws]]))\n"
        "import snowballstemmer\n"
        "assert snowballstemmer.stemmer('french').stemWord('connexions')\n"
    )
    import json

    r = subprocess.run([sys.executable, "-c", code], input=json.dumps(vocab), capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    en, ru = json.loads(r.stdout)
    c_en, c_ru = Stemmer.Stemmer("english"), Stemmer.Stemmer("russian")
    assert en == c_en.stemWords(vocab)
    assert ru == c_ru.stemWords(vocab)
