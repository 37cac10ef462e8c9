"""The triage search without a database: inflected Finnish, typos, fi/sv/en."""

from __future__ import annotations

import pytest

from luukku.core.advice import ServiceTerms, index_build, search

SERVICES = [
    ServiceTerms("passport", ("Passi", "Pass", "Passport", "passi matkustusasiakirja")),
    ServiceTerms("identity-card", ("Henkilökortti", "Identitetskort", "Identity card")),
    ServiceTerms("tax-card", ("Verokortti", "Skattekort", "Tax card", "verokortti tulo")),
    ServiceTerms(
        "residence-permit",
        (
            "Oleskelulupahakemuksen tunnistautuminen",
            "Identifiering för uppehållstillstånd",
            "Residence permit identification",
            "oleskelulupa tunnistautuminen sormenjäljet",
        ),
    ),
    ServiceTerms(
        "jobseeker-registration",
        ("Työnhakijaksi ilmoittautuminen", "Anmälan som arbetssökande", "työtön työnhaku"),
    ),
    ServiceTerms("housing-allowance", ("Yleinen asumistuki", "Bostadsbidrag", "asumistuki vuokra")),
    ServiceTerms("career-guidance", ("Ammatinvalinta- ja uraohjaus", "ura ohjaus koulutus")),
    ServiceTerms("debt-counselling", ("Talous- ja velkaneuvonta", "velka neuvonta budjetti")),
    ServiceTerms("title-registration", ("Lainhuuto", "Lagfart", "kiinteistö lainhuuto")),
]


@pytest.fixture(scope="module")
def index():
    return index_build(SERVICES)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param("passia", "passport", id="passia-partitive"),
        pytest.param("verokortin", "tax-card", id="verokortin-genitive"),
        pytest.param("oleskeluluvan", "residence-permit", id="oleskeluluvan-gradation"),
        pytest.param("työttömäksi", "jobseeker-registration", id="tyottomaksi-translative"),
        pytest.param("skattekortet", "tax-card", id="swedish-definite"),
        pytest.param("passports", "passport", id="english-plural"),
        pytest.param("verokorrti", "tax-card", id="typo"),
        pytest.param("tarvitsen uuden passin", "passport", id="sentence"),
    ],
)
def test_search__finds_the_service(index, query, code):
    matches = search(query, index)
    assert matches and matches[0].code == code, matches


def test_search__unrelated_words_find_nothing(index):
    assert search("banaani", index) == ()
    assert search("", index) == ()


def test_search__more_matching_words_rank_first(index):
    codes = [m.code for m in search("henkilökortti passi", index)]
    assert set(codes[:2]) == {"passport", "identity-card"}


def test_search__common_words_do_not_outrank_rare_ones(index):
    """ "ja" is in several services' names; the two matters named come first."""
    codes = [m.code for m in search("tarvitsen verokortin ja oleskeluluvan", index)]
    assert set(codes[:2]) == {"tax-card", "residence-permit"}, codes


def test_search__limit(index):
    assert len(search("passi verokortti asumistuki", index, limit=2)) == 2


def test_search__equal_scores__the_name_the_query_covers_wins():
    """ "passport" is a word of both names: the passport is all of it, the alien's half."""
    index = index_build(
        [
            ServiceTerms(
                "aliens-passport",
                ("Muukalaispassi", "Alien's passport", "passport travel"),
                ("Muukalaispassi", "Alien's passport"),
            ),
            ServiceTerms(
                "passport", ("Passi", "Passport", "passport travel"), ("Passi", "Passport")
            ),
        ]
    )
    for query in ("passport", "pasport"):
        assert [m.code for m in search(query, index)][:1] == ["passport"], query
