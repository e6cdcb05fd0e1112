"""A page's text as positioned phrases, built from PDFium's character boxes.

PDFium gives every character of a page with its box. Characters are
grouped into words (broken at spaces and at jumps), words into lines (by
vertical overlap), and the words of a line into *phrases*. Words typed in
one string with one space between them belong together; two or more typed
spaces (column padding, ``SEC 112   ROW F``) or a gap of half an em between
separately placed words (table columns, a label cell and its value cell)
start a new phrase. A phrase is what a reader sees as one
piece of text: a label, a value, ``Section: 101``, a headline. Its box
height (the font's line height) stands for its type size.

Loose boxes (the font's ascent to descent) are used, so that every
character of one font size has the same height, whatever its glyph.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

__all__ = ["Segment", "page_segments"]

_EM = 1.12  # a font's line height (ascent to descent) in ems, roughly
_TYPED_GAP = 0.7  # ems: a typed space wider than this is column padding (PDFium may
# report several typed spaces as one); a Courier space is 0.6 em, others ~0.25
_SIZE_RATIO = 1.5  # words placed apart in type this different are apart, however close
_PLACED_GAP = 0.5  # ems: words placed apart (no typed space) further are apart
_SAME_LINE = 0.35  # of the taller height: middles closer are on one line


@dataclass(frozen=True, slots=True)
class Segment:
    """A phrase on one line, with its box in page points (y up)."""

    text: str
    left: float
    bottom: float
    right: float
    top: float

    @property
    def height(self) -> float:
        """The line height, which grows with the type size."""
        return self.top - self.bottom

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _chars(textpage: pdfium.PdfTextPage) -> str:
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # characters outside the BMP: read them one by one
        raw = textpage.raw
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
    return text


@dataclass(frozen=True, slots=True)
class _Word:
    """A word, its place in the content stream and the real spaces before it."""

    box: Segment
    seq: int
    spaces_before: int  # typed spaces since the previous word; -1: none, or a jump
    middle: float
    height: float


def _words(textpage: pdfium.PdfTextPage) -> list[_Word]:
    """The page's words in content order, each with the union of its boxes."""
    text = _chars(textpage)
    raw = textpage.raw
    box = pdfium_c.FS_RECTF()
    words: list[_Word] = []
    chars: list[str] = []
    left = bottom = right = top = 0.0
    spaces, broken = 0, True
    get_box, is_generated = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_IsGenerated

    def flush() -> None:
        nonlocal spaces, broken
        if chars:
            segment = Segment("".join(chars), left, bottom, right, top)
            words.append(
                _Word(
                    segment,
                    len(words),
                    -1 if broken else spaces,
                    (top + bottom) / 2,
                    top - bottom,
                )
            )
            chars.clear()
            spaces, broken = 0, False

    for i, ch in enumerate(text):
        if ch.isspace() or not ch.isprintable():
            flush()
            if ch == " " and not is_generated(raw, i):
                spaces += 1
            else:
                broken = True
            continue
        get_box(raw, i, box)
        c_left, c_bottom, c_right, c_top = box.left, box.bottom, box.right, box.top
        if chars:
            height = top - bottom
            jumped = (
                c_left < right - 0.5 * height
                or c_left - right > 0.25 * height
                or abs((c_top + c_bottom) / 2 - (top + bottom) / 2) > _SAME_LINE * height
            )
            if jumped:
                flush()
                broken = True
        if chars:
            right = c_right if c_right > right else right
            bottom = c_bottom if c_bottom < bottom else bottom
            top = c_top if c_top > top else top
        else:
            left, bottom, right, top = c_left, c_bottom, c_right, c_top
        chars.append(ch)
    flush()
    return words


def _joins(previous: _Word, word: _Word) -> bool:
    """Whether ``word`` continues the phrase that ends with ``previous``."""
    em = max(previous.height, word.height, 1.0) / _EM
    gap = word.box.left - previous.box.right
    if word.seq == previous.seq + 1 and word.spaces_before >= 1:  # typed in one string
        return word.spaces_before == 1 and gap <= _TYPED_GAP * em
    small, large = sorted((previous.height, word.height))
    return gap <= _PLACED_GAP * em and large <= _SIZE_RATIO * small


def _phrases(line: list[_Word]) -> list[Segment]:
    """Join a line's words (sorted left to right) into phrases."""
    phrases: list[Segment] = []
    current = line[0].box
    for previous, word in itertools.pairwise(line):
        box = word.box
        if _joins(previous, word):
            current = Segment(
                f"{current.text} {box.text}",
                current.left,
                min(current.bottom, box.bottom),
                max(current.right, box.right),
                max(current.top, box.top),
            )
        else:
            phrases.append(current)
            current = box
    phrases.append(current)
    return phrases


def page_segments(textpage: pdfium.PdfTextPage) -> list[Segment]:
    """The page's phrases in reading order (top to bottom, left to right)."""
    words = sorted(_words(textpage), key=lambda w: -w.middle)
    ordered: list[Segment] = []
    line: list[_Word] = []
    for word in words:
        if line and abs(line[0].middle - word.middle) > _SAME_LINE * max(
            line[0].height, word.height, 1.0
        ):
            ordered.extend(_phrases(sorted(line, key=lambda w: w.box.left)))
            line = []
        line.append(word)
    if line:
        ordered.extend(_phrases(sorted(line, key=lambda w: w.box.left)))
    return ordered
