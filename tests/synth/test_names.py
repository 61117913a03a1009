"""The name vocabulary: names from package data, their misspellings and nicknames."""

from __future__ import annotations

from tessera.synth.names import name_book


def _one_edit(a: str, b: str) -> bool:
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(
        long[:i] + long[i + 1:] == short for i in range(len(long)))


def test_misspellings_are_one_keystroke_away() -> None:
    """A typo substitutes, drops or doubles one character, never the first."""
    book = name_book()
    for i in book.given[0][:50]:
        name = book.vocab[i]
        for j in book.typo[i]:
            variant = book.vocab[j]
            assert _one_edit(name, variant) and variant[0] == name[0], (name, variant)


def test_nicknames_and_upper_case_forms() -> None:
    """Elizabeth may be Liz; William may be Bill; SMITH is Smith in capitals."""
    book = name_book()
    vocab = list(book.vocab)
    assert "Liz" in book.vocab[book.nickname[vocab.index("Elizabeth")]]
    assert "Bill" in book.vocab[book.nickname[vocab.index("William")]]
    assert book.vocab[book.upper[vocab.index("Smith")]] == "SMITH"
    assert len(book.given[0]) > 150 and len(book.given[1]) > 150 and len(book.family) > 250
