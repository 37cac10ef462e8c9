"""Match a customer's words to services, in Finnish, Swedish and English.

Inflection is Snowball's (``snowballstemmer``: "passia" and "passi" both stem to
"pass"); what the stemmer leaves, typos and Finnish consonant gradation ("luvan" from
"lupa", "työttömäksi" from "työtön"), rapidfuzz's normalised similarity of the stems
catches. Every word is stemmed with all three languages' stemmers, since a customer at
the desk does not say which language they are using.

Fed plain data (:class:`ServiceTerms`), so it runs and is tested without a database.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

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
    """One service's searchable texts: names and keywords in every language.

    ``names`` (its names again, one per language) break ties between equal scores: the
    service whose name the query covers more is the better match.
    """

    code: str
    texts: tuple[str, ...]
    names: tuple[str, ...] = ()


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
    #: Per service code, each name as the stems of each of its words.
    names: dict[str, tuple[tuple[frozenset[str], ...], ...]] = field(default_factory=dict)


def _stemmers():
    return [snowballstemmer.stemmer(lang) for lang in LANGUAGES]


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text or "")]


def _stems(word: str, stemmers) -> frozenset[str]:
    return frozenset({word, *(s.stemWord(word) for s in stemmers)})


def index_build(services: list[ServiceTerms] | tuple[ServiceTerms, ...]) -> TriageIndex:
    """Stem each distinct word once (with all three stemmers), then gather per service."""
    service_words = [
        (service.code, {w for text in service.texts for w in words(text)}) for service in services
    ]
    name_words = {w for service in services for name in service.names for w in words(name)}
    distinct = sorted(set().union(name_words, *(ws for _code, ws in service_words)))
    stems = {w: {w} for w in distinct}
    for stemmer in _stemmers():
        for word, stem in zip(distinct, stemmer.stemWords(distinct), strict=True):
            stems[word].add(stem)
    entries = tuple(
        (code, frozenset().union(*(stems[w] for w in ws))) for code, ws in service_words
    )
    names = {
        service.code: tuple(
            tuple(frozenset(stems[w]) for w in words(name)) for name in service.names if words(name)
        )
        for service in services
    }
    return TriageIndex(entries, names)


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
    """The services best matching the query's words, best first (ties by code).

    Each word's similarity is weighted by how rare the word is among the services
    (inverse document frequency), so "ja", "och" or "and", found in many services'
    names, cannot outrank the one service a rare word like "verokortin" names.
    """
    stemmers = _stemmers()
    query_words = list(dict.fromkeys(words(query)))
    n = len(index.entries)
    per_word: list[tuple[str, dict[str, float]]] = []
    for word in query_words:
        qstems = _stems(word, stemmers)
        hits = {}
        for code, stems in index.entries:
            best = max((_similarity(q, s) for q in qstems for s in stems), default=0.0)
            if best:
                hits[code] = best
        per_word.append((word, hits))
    scores: dict[str, float] = {}
    matched: dict[str, list[str]] = {}
    for word, hits in per_word:
        weight = math.log((n + 1) / len(hits)) if hits else 0.0
        for code, similarity in hits.items():
            scores[code] = scores.get(code, 0.0) + similarity * weight
            matched.setdefault(code, []).append(word)
    qstems_all = [_stems(w, stemmers) for w in query_words]

    def coverage(code: str) -> float:
        """The largest share of one of the service's names that the query's words match."""
        best = 0.0
        for name in index.names.get(code, ()):
            hit = sum(
                1
                for word in name
                if any(_similarity(q, s) for qs in qstems_all for q in qs for s in word)
            )
            best = max(best, hit / len(name))
        return best

    found = [Match(code, scores[code], tuple(matched[code])) for code in scores]
    found.sort(key=lambda m: (-m.score, -coverage(m.code), m.code))
    return tuple(found[: max(limit, 0)])
