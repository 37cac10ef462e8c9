"""The info desk's triage: find services from what the customer says (pure Python)."""

from luukku.core.advice.search import Match, ServiceTerms, TriageIndex, index_build, search

__all__ = ["Match", "ServiceTerms", "TriageIndex", "index_build", "search"]
