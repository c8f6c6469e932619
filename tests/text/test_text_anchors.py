"""Comment anchors: exact, moved, fuzzy, or honestly outdated."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from text_strategies import OTHER_WORDS, SETTINGS, distinct_paragraphs, edited_words, words

from deliberation.text.anchors import Anchor, make_anchor, reanchor
from deliberation.text.paragraphs import Paragraph

LONG = "Контроль за виконанням цього рішення покласти на постійну комісію з питань бюджету та фінансів."


def as_paragraphs(texts, prefix="id"):
    return [Paragraph(f"{prefix}{i}", t) for i, t in enumerate(texts)]


@st.composite
def anchored_doc(draw):
    """Paragraphs, a paragraph index k, and a quote of whole words [i, j] in it."""
    texts = draw(distinct_paragraphs(min_size=2))
    k = draw(st.integers(0, len(texts) - 1))
    ws = texts[k].split(" ")
    i = draw(st.integers(0, len(ws) - 1))
    j = draw(st.integers(i, min(i + 4, len(ws) - 1)))
    return texts, k, i, j


def _span(text, i, j):
    ws = text.split(" ")
    start = sum(len(w) + 1 for w in ws[:i])
    return start, start + len(" ".join(ws[i : j + 1]))


def _anchor(texts, k, i, j):
    paras = as_paragraphs(texts)
    start, end = _span(texts[k], i, j)
    return make_anchor(paras, f"id{k}", start, end)


def _lands_on_quote(result, paragraphs, quote):
    text = {p.pid: p.text for p in paragraphs}[result.pid]
    return text[result.start : result.end] == quote


@SETTINGS
@given(anchored_doc(), st.data())
def test_anchor_survives_edits_in_other_paragraphs(case, data):
    texts, k, i, j = case
    anchor = _anchor(texts, k, i, j)
    new = []
    for n, t in enumerate(texts):
        action = "keep" if n == k else data.draw(st.sampled_from(["keep", "edit", "delete"]))
        if action != "delete":
            new.append(t if action == "keep" else data.draw(edited_words(t, f"нове{n}x")))
        if data.draw(st.booleans()):
            new.append(" ".join(data.draw(st.lists(words, min_size=1, max_size=8))))
    paras = [Paragraph("id" + str(k) if t == texts[k] else f"new{n}", t) for n, t in enumerate(new)]
    result = reanchor(anchor, paras)
    assert (result.status, result.pid) == ("exact", f"id{k}")
    assert _lands_on_quote(result, paras, anchor.exact)


@SETTINGS
@given(anchored_doc(), st.data())
def test_anchor_survives_text_added_elsewhere_in_its_paragraph(case, data):
    texts, k, i, j = case
    anchor = _anchor(texts, k, i, j)
    ws = texts[k].split(" ")
    for _ in range(data.draw(st.integers(1, 3))):
        gaps = [g for g in range(len(ws) + 1) if g <= i or g > j]  # never inside the quote
        g = data.draw(st.sampled_from(gaps))
        ws.insert(g, data.draw(words))
        i, j = (i + 1, j + 1) if g <= i else (i, j)
    paras = as_paragraphs([*texts[:k], " ".join(ws), *texts[k + 1 :]])
    result = reanchor(anchor, paras)
    assert (result.status, result.pid) == ("exact", f"id{k}")
    assert _lands_on_quote(result, paras, anchor.exact)


@SETTINGS
@given(anchored_doc(), st.data())
def test_anchor_follows_a_unique_quote_into_another_paragraph(case, data):
    texts, k, _, j = case
    anchor = _anchor(texts, k, 0, j)  # includes the paragraph's unique marker word
    rest = texts[:k] + texts[k + 1 :]
    at = data.draw(st.integers(0, len(rest)))
    new = [*rest[:at], f"Перенесено: {anchor.exact} — кінець.", *rest[at:]]
    paras = as_paragraphs(new, prefix="new")
    result = reanchor(anchor, paras)
    assert (result.status, result.pid) == ("moved", f"new{at}")
    assert _lands_on_quote(result, paras, anchor.exact)


@st.composite
def removed_quote(draw):
    texts = draw(distinct_paragraphs(min_size=2))
    k = draw(st.integers(0, len(texts) - 1))
    phrase = " ".join(draw(st.lists(st.sampled_from(OTHER_WORDS), min_size=1, max_size=3, unique=True)))
    ws = texts[k].split(" ")
    at = draw(st.integers(1, len(ws)))
    with_phrase = " ".join([*ws[:at], phrase, *ws[at:]])
    return texts, k, with_phrase, phrase, draw(st.booleans())


@SETTINGS
@given(removed_quote())
def test_anchor_whose_words_were_deleted_is_outdated(case):
    texts, k, with_phrase, phrase, drop_paragraph = case
    before = as_paragraphs([*texts[:k], with_phrase, *texts[k + 1 :]])
    start = with_phrase.index(phrase)
    anchor = make_anchor(before, f"id{k}", start, start + len(phrase))
    after = as_paragraphs(texts)  # the phrase is gone again
    paras = [p for p in after if not (drop_paragraph and p.pid == f"id{k}")]
    assert reanchor(anchor, paras).status == "outdated"


def test_exact_quote_with_several_occurrences_follows_its_context():
    text = "Бюджет громади на рік. Звіт про бюджет міста до вересня."
    paras = [Paragraph("a", text)]
    start = text.index("бюджет міста")
    anchor = make_anchor(paras, "a", start, start + len("бюджет"))
    revised = [Paragraph("a", "Вступ. бюджет села. " + text)]
    r = reanchor(anchor, revised)
    assert r.status == "exact" and revised[0].text[r.start : r.end + 6] == "бюджет міста"


def test_fuzzy_anchor_finds_a_slightly_edited_long_quote():
    text = LONG
    paras = [Paragraph("a", text)]
    quote = "покласти на постійну комісію з питань бюджету та фінансів"
    anchor = make_anchor(paras, "a", text.index(quote), text.index(quote) + len(quote))
    edited = text.replace("з питань бюджету", "з питань місцевого бюджету")
    r = reanchor(anchor, [Paragraph("a", edited)])
    assert r.status == "fuzzy"
    assert edited[r.start : r.end] == "покласти на постійну комісію з питань місцевого бюджету та фінансів"


def test_whole_word_quote_never_lands_inside_a_longer_word_exactly():
    paras = [Paragraph("a", "Затвердити бюджет громади.")]
    anchor = make_anchor(paras, "a", 11, 17)
    assert anchor.exact == "бюджет"
    r = reanchor(anchor, [Paragraph("a", "Затвердити бюджети громад.")])
    assert r.status == "fuzzy" and (r.start, r.end) == (11, 18)  # the whole inflected word


def test_quote_found_several_times_elsewhere_is_outdated_rather_than_guessed():
    paras = [Paragraph("a", "Про бюджет."), Paragraph("b", "Інше.")]
    anchor = make_anchor(paras, "a", 4, 10)
    revised = [Paragraph("b", "Інше."), Paragraph("c", "бюджет раз, бюджет два")]
    assert reanchor(anchor, revised) == reanchor(anchor, revised[::-1])
    assert reanchor(anchor, revised).status == "outdated"


def test_make_anchor_keeps_up_to_32_characters_of_context():
    text = "а" * 40 + "ЦИТАТА" + "б" * 40
    a = make_anchor([Paragraph("p", text)], "p", 40, 46)
    assert a == Anchor("p", "ЦИТАТА", "а" * 32, "б" * 32, 40)


def test_make_anchor_rejects_bad_ranges_and_unknown_paragraphs():
    paras = [Paragraph("p", "текст")]
    with pytest.raises(ValueError):
        make_anchor(paras, "p", 3, 3)
    with pytest.raises(ValueError):
        make_anchor(paras, "p", 0, 99)
    with pytest.raises(KeyError):
        make_anchor(paras, "q", 0, 1)


LONG_QUOTE = "виконанням цього рішення покласти на постійну комісію з питань бюджету"


def _long_anchor():
    start = LONG.index(LONG_QUOTE)
    return make_anchor([Paragraph("a", LONG)], "a", start, start + len(LONG_QUOTE))


def test_long_quote_with_its_beginning_edited_is_found_by_its_tail():
    edited = LONG.replace("виконанням цього", "виконанням даного")
    r = reanchor(_long_anchor(), [Paragraph("a", edited)])
    assert r.status == "fuzzy"
    assert edited[r.start : r.end] == LONG_QUOTE.replace("цього", "даного")


def test_long_quote_that_was_deleted_is_outdated():
    r = reanchor(_long_anchor(), [Paragraph("a", "Контроль залишаю за собою.")])
    assert r == reanchor(_long_anchor(), []) and r.status == "outdated" and r.pid is None
