"""Match a customer's words to services, in Finnish, Swedish and English.

Inflection is Snowball's (``snowballstemmer``: "passia" and "passi" both stem to
"pass"); what the stemmer leaves, typos and Finnish consonant gradation ("luvan" from
"lupa", "työttömäksi" from "työtön"), rapidfuzz's normalised similarity of the stems
catches. Every word is stemmed with all three languages' stemmers, since a customer at
the desk does not say which language they are using.

Fed plain data (:class:`ServiceTerms`), so it runs and is tested without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import snowballstemmer
from rapidfuzz import fuzz

LANGUAGES = ("finnish", "swedish", "english")
#: Stems shorter than this match only exactly ("tu" must not find "tuki" by prefix).
MIN_PREFIX = 4
#: rapidfuzz ratio (0-100) from which two stems count as the same word.
FUZZY_THRESHOLD = 80.0
EXACT, PREFIX = 100.0, 90.0

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class ServiceTerms:
    """One service's searchable texts: names and keywords in every language."""

    code: str
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    code: str
    score: float
    #: The query words that found this service.
    matched: tuple[str, ...]


@dataclass(frozen=True)
class TriageIndex:
    """Services' stems, built once per search from the services' texts."""

    entries: tuple[tuple[str, frozenset[str]], ...]


def _stemmers():
    return [snowballstemmer.stemmer(lang) for lang in LANGUAGES]


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text or "")]


def _stems(word: str, stemmers) -> frozenset[str]:
    return frozenset({word, *(s.stemWord(word) for s in stemmers)})


def index_build(services: list[ServiceTerms] | tuple[ServiceTerms, ...]) -> TriageIndex:
    stemmers = _stemmers()
    entries = []
    for service in services:
        stems: set[str] = set()
        for text in service.texts:
            for word in words(text):
                stems |= _stems(word, stemmers)
        entries.append((service.code, frozenset(stems)))
    return TriageIndex(tuple(entries))


def _similarity(a: str, b: str) -> float:
    if a == b:
        return EXACT
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= MIN_PREFIX and long_.startswith(short):
        return PREFIX
    if len(short) >= MIN_PREFIX:
        ratio = fuzz.ratio(a, b)
        if ratio >= FUZZY_THRESHOLD:
            return ratio
    return 0.0


def search(query: str, index: TriageIndex, *, limit: int = 10) -> tuple[Match, ...]:
    """The services best matching the query's words, best first (ties by code)."""
    stemmers = _stemmers()
    query_words = list(dict.fromkeys(words(query)))
    query_stems = [(w, _stems(w, stemmers)) for w in query_words]
    found = []
    for code, stems in index.entries:
        score, matched = 0.0, []
        for word, qstems in query_stems:
            best = max((_similarity(q, s) for q in qstems for s in stems), default=0.0)
            if best:
                score += best
                matched.append(word)
        if matched:
            found.append(Match(code, score, tuple(matched)))
    found.sort(key=lambda m: (-m.score, m.code))
    return tuple(found[: max(limit, 0)])
