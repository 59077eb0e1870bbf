"""The string table, and text shown as text: whatever a visitor types or a link carries is never markup."""

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from gd.lab.text import CHINESE, ENGLISH, TABLES, escaped, language_of, markdown, quoted, speaking, t

MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])  # GitHub-flavoured, as Streamlit's

# Every construct Streamlit's Markdown documents (st.markdown: GitHub-flavoured Markdown, emoji shortcodes, the
# Streamlit logo, typographic symbols, Material icons, LaTeX, coloured text and backgrounds, badges, small text),
# plus HTML, entities, indented code and the characters that change a line's direction.
CONSTRUCTS = [
    "**bold**", "*italic*", "_italic_", "~strike~", "~~strike~~", "`code`", "``co`de``", "```python\nx = 1\n```",
    "[link](https://example.com)", "![image](logo.png)", "<https://example.com>", "https://example.com",
    "# Heading", "###### h6", "> quote", "---", "***", "- item", "* item", "+ item", "1. item", "- [ ] task",
    "- [x] done", "| a | b |\n|---|---|\n| 1 | 2 |", "line  \nbreak", "[^1]\n\n[^1]: note", ":tada:", ":+1:",
    ":streamlit:", ":material/warning:", ":material/check_circle:", ":red[colored]", ":blue-background[info]",
    ":green-badge[ok]", ":small[footnote]", ":rainbow[x]", ":primary[x]", "$x^2$", "$$\n\\int_0^1 x\\,dx\n$$",
    "<- -> <-> -- >= <= ~=", "&lt;script&gt;", "&amp;", "&#60;", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "<!-- comment -->", "\tindented code", "\n    indented code", "a\n\nb",
    "\u202ereversed", "\u2066isolate\u2069", "\u200bzero width", "\x00nul", "\r\ncrlf", "\\*not bold\\*", "\\",
    "`", "``", "` `", "   ", "", "\u2028line separator", "\xa0nbsp", "{{7*7}}", "${7*7}",
]


# Printable to Python, yet drawing nothing: the default-ignorable code points of Unicode's DerivedCoreProperties.txt
# that are letters or marks (U+034F combining grapheme joiner, U+115F/U+1160/U+3164/U+FFA0 Hangul fillers, U+17B4/5
# Khmer inherent vowels, U+180B–U+180F Mongolian and U+FE00–U+FE0F, U+E0100–U+E01EF variation selectors).
BLANK = {"\u034f", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u180b", "\u180c", "\u180d", "\u180f", "\u3164",
         "\uffa0", *map(chr, range(0xFE00, 0xFE10)), *map(chr, range(0xE0100, 0xE01F0))}
# Characters that hide or reorder text, and how a message that repeats them must show them.
INVISIBLE = {"\u202e": "\\u202e", "\u2066": "\\u2066", "\u200b": "\\u200b", "\n": "\\n", "\t": "\\t",
             "\x00": "\\x00", "\u2028": "\\u2028", "\u3164": "\\u3164", "\u034f": "\\u034f", "\ufe0f": "\\ufe0f",
             "\U000e0100": "\\U000e0100"}


def visible(text: str) -> str:
    """What a quoted text shows: unprintable and blank characters as their escapes (and, invisibly, a word joiner
    that keeps Streamlit from turning ":material/" into an icon name)."""
    shown = "".join(char if char.isprintable() and char not in BLANK else char.encode("unicode_escape").decode()
                    for char in text)
    return shown.replace(":material/", ":\u2060material/")


def unseen(text: str) -> set[str]:
    """The characters of text that are not printable or draw nothing."""
    return {char for char in text if not char.isprintable() or char in BLANK}


def rendered_inline(source: str) -> list:
    tokens = MARKDOWN.parse(source)
    assert [token.type for token in tokens] == ["paragraph_open", "inline", "paragraph_close"], source
    return tokens[1].children


@pytest.mark.parametrize("text", CONSTRUCTS, ids=repr)
def test_quoted_text_is_one_code_span_that_shows_the_text(text):
    children = rendered_inline(f"The link gave {quoted(text)}, so the default is used.")
    assert [child.type for child in children] == ["text", "code_inline", "text"]
    shown = children[1].content
    assert shown == visible(text) or (text.strip() == "" and shown.strip() == "")
    assert not unseen(shown.replace("\u2060", ""))  # no line break, tab, direction control or filler survives
    assert ":material/" not in quoted(text)  # Streamlit would rewrite it, even in code


@pytest.mark.parametrize(("char", "escape"), INVISIBLE.items(), ids=repr)
def test_a_character_that_hides_or_reorders_text_is_shown_as_its_escape(char, escape):
    children = rendered_inline(f"The link gave {quoted('a' + char + 'b')}, so the default is used.")
    assert [child.type for child in children] == ["text", "code_inline", "text"]
    assert children[1].content == f"a{escape}b"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(CONSTRUCTS), st.sampled_from(list(INVISIBLE)), st.text(max_size=12)),
                max_size=5).map("".join))
def test_any_mix_of_constructs_is_shown_as_text(text):
    children = rendered_inline(f"before {quoted(text)} after")
    spans = [child for child in children if child.type == "code_inline"]
    assert len(spans) == 1 and {child.type for child in children} == {"text", "code_inline"}
    assert spans[0].content == visible(text) or text.strip(" ") == ""


@pytest.mark.parametrize("text", [t("explain.diverged", what="|θ| passed 6e+08", limit=" (2/L = 1)",
                                    updates="106", eta="1.1"), "J(5) = J(0)", "−η·dJ = -0.1 × (-5) = 0.5",
                                  "a *b* _c_ [d](e) $f$ :red[g] # h"])
def test_escaped_sentences_render_as_written(text):
    children = rendered_inline(escaped(text))
    assert [child.type for child in children] == ["text"] and children[0].content == text


def test_markdown_escapes_its_own_words_and_keeps_the_parts():
    source = markdown("link.refused", name=escaped("max_iter"), accepted=escaped("an integer"), raw=quoted("*x*"))
    children = rendered_inline(source)
    assert [child.type for child in children] == ["text", "code_inline", "text"]
    assert children[0].content == "max_iter must be an integer; the link gave “"
    assert children[1].content == "*x*"


def placeholders(template: str) -> list[tuple[str, str]]:
    return sorted((field, spec) for _, field, spec, _ in string.Formatter().parse(template) if field is not None)


def test_both_tables_have_the_same_keys_in_the_same_order():
    assert list(CHINESE) == list(ENGLISH) and len(ENGLISH) > 200


@pytest.mark.parametrize("key", list(ENGLISH))
def test_both_languages_fill_the_same_placeholders(key):
    assert placeholders(CHINESE[key]) == placeholders(ENGLISH[key])


@pytest.mark.parametrize("language", sorted(TABLES))
def test_every_template_fills_with_its_own_placeholders(language):
    with speaking(language):
        for key, template in TABLES[language].items():
            fields = {field: 1 if spec else "X" for field, spec in placeholders(template)}
            assert "{" not in t(key, **fields), key


def test_chinese_uses_full_width_punctuation_around_chinese_words():
    """The glossary's rule: ，。：；？！（） next to Chinese, ASCII kept for numbers and formulas."""
    cjk = "[\u4e00-\u9fff]"
    for key, text in CHINESE.items():
        assert not re.search(f"{cjk}[,;:?!]|[,;:?!]{cjk}", text), (key, text)
        assert not re.search(f"{cjk}\\(|\\){cjk}", text), (key, text)


def test_the_article_terms_are_used():
    assert CHINESE["view.compare"] == "并排对比"
    assert CHINESE["variant.batch.title"].startswith("批量梯度下降")
    assert CHINESE["variant.sgd.title"].startswith("随机梯度下降")
    assert CHINESE["status.converged"] == "已收敛" and CHINESE["status.diverged"] == "已发散"
    assert "学习率 η" in CHINESE["label.eta"]


def test_the_browser_language_chooses_chinese_for_every_zh_locale():
    assert [language_of(locale) for locale in ("zh", "zh-CN", "zh-Hans-CN", "ZH-tw", "en-US", "de", "", None)] == [
        "zh", "zh", "zh", "zh", "en", "en", "en", "en"]


def test_speaking_changes_the_language_only_inside_its_block():
    assert t("status.converged") == "converged"
    with speaking("zh"):
        assert t("status.converged") == "已收敛"
        assert t("explain.updates", count="45") == "45 次更新"
    assert t("status.converged") == "converged"
    with pytest.raises(ValueError):
        with speaking("fr"):
            pass
