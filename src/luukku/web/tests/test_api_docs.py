"""The API docs page: local Swagger UI files, and a document Swagger UI can read."""

from __future__ import annotations

import json
import re

import pytest


def _pairs_without_duplicates(pairs):
    keys = [k for k, _ in pairs]
    duplicated = {k for k in keys if keys.count(k) > 1}
    assert not duplicated, f"duplicated keys {duplicated}"
    return dict(pairs)


@pytest.mark.django_db
def test_openapi_json__no_duplicated_key(client):
    """Swagger UI parses the document as YAML, which refuses a key given twice."""
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    json.loads(resp.content, object_pairs_hook=_pairs_without_duplicates)


@pytest.mark.django_db
def test_docs_page__loads_only_local_files(client):
    resp = client.get("/api/v1/docs")
    assert resp.status_code == 200
    refs = re.findall(r'(?:href|src)="([^"]+)"', resp.content.decode())
    assert any(r.startswith("/static/ninja/swagger-ui-bundle") for r in refs), refs
    assert [r for r in refs if not r.startswith("/static/")] == []
