"""The words of a free-text answer, for the word counts: Chinese cut into words by the
jieba segmenter, English words of three letters or more, common words left out.

An answer is cut once, when it is written (``rules.record``), and its words are kept with
it: the analysis then only counts them.
"""

from __future__ import annotations

import logging
import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z'-]+")
ENGLISH_STOP = frozenset(
    "the and for are but not you your with this that have has had was were our they them "
    "very too more most much all any can could would should will just been from into some "
    "about there their what when which who also than then its it's i'm don't".split()
)
CHINESE_STOP = frozenset(
    "我們 你們 他們 我们 你们 他们 一個 一个 可以 沒有 没有 非常 希望 覺得 觉得 因為 因为 "
    "所以 但是 而且 還是 还是 就是 這個 这个 那個 那个 比較 比较 已經 已经 有點 有点".split()
)


def _cut(run: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.lcut(run)


def words_of(text: str) -> list[str]:
    """The distinct words of ``text``, in the order they first appear."""
    found: dict[str, None] = {}
    for run in _HAN.findall(text):
        for word in _cut(run):
            if len(word) >= 2 and word not in CHINESE_STOP:
                found.setdefault(word, None)
    for word in _LATIN.findall(text):
        word = word.lower().strip("'-")
        if len(word) >= 3 and word not in ENGLISH_STOP:
            found.setdefault(word, None)
    return list(found)
