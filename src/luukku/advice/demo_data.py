"""Demo knowledge bank and life events for the Satakunta demo region (by service code)."""

from __future__ import annotations

# code: ((what to bring fi, sv, en), (fees fi, sv, en), online url, (online fi, sv, en),
#        (further search words fi, sv, en))
GUIDES = {
    "passport": (
        (
            "Henkilöllisyystodistus ja aiempi passi.",
            "Identitetsbevis och tidigare pass.",
            "Proof of identity and your previous passport.",
        ),
        (
            "Hakemus verkossa 54 €, paikan päällä 64 €.",
            "Ansökan på nätet 54 €, på plats 64 €.",
            "Applying online 54 €, on site 64 €.",
        ),
        "https://poliisi.fi/passi",
        (
            "Hakemus verkossa; käy sen jälkeen tunnistautumassa.",
            "Ansök på nätet; besök sedan för identifiering.",
            "Apply online, then visit to be identified.",
        ),
        ("matkustaa ulkomaille", "resa utomlands", "travel abroad"),
    ),
    "residence-permit": (
        (
            "Passi, hakemuksen tiedot ja liitteet alkuperäisinä.",
            "Pass, ansökans uppgifter och bilagor i original.",
            "Passport, your application's details and the original attachments.",
        ),
        (
            "Hakemuksen käsittelymaksu maksetaan hakiessa.",
            "Handläggningsavgiften betalas vid ansökan.",
            "The processing fee is paid when applying.",
        ),
        "https://enterfinland.fi",
        (
            "Hakemus Enter Finland -palvelussa; sormenjäljet paikan päällä.",
            "Ansökan i Enter Finland; fingeravtryck på plats.",
            "Apply in Enter Finland; fingerprints are taken on site.",
        ),
        (
            "muutto suomeen työlupa",
            "flytta till finland arbetstillstånd",
            "work permit moving to finland",
        ),
    ),
    "personal-identity-code": (
        (
            "Passi ja oleskelulupa tai EU-rekisteröinti.",
            "Pass och uppehållstillstånd eller EU-registrering.",
            "Passport and residence permit or EU registration.",
        ),
        ("Maksuton.", "Avgiftsfri.", "Free of charge."),
        "",
        (
            "Ei verkossa: tunnistautuminen paikan päällä.",
            "Inte på nätet: identifiering på plats.",
            "Not online: you are identified on site.",
        ),
        ("hetu", "personnummer", "social security number"),
    ),
    "tax-card": (
        (
            "Arvio vuoden tuloista; ulkomaalaiselta passi.",
            "Uppskattning av årets inkomster; pass för utlänningar.",
            "An estimate of the year's income; a passport if you are a foreigner.",
        ),
        ("Maksuton.", "Avgiftsfri.", "Free of charge."),
        "https://www.vero.fi/omavero",
        (
            "Muutosverokortti OmaVerossa pankkitunnuksilla.",
            "Ändringsskattekort i MinSkatt med nätbankskoder.",
            "A revised tax card in MyTax with online banking codes.",
        ),
        ("palkka", "lön", "salary wages"),
    ),
    "inheritance-tax": (
        (
            "Perukirja ja kuolinpesän tiedot.",
            "Bouppteckningsinstrument och dödsboets uppgifter.",
            "The estate inventory deed and the estate's details.",
        ),
        (
            "Vero perinnön arvon mukaan; neuvonta maksuton.",
            "Skatt enligt arvets värde; rådgivning avgiftsfri.",
            "Tax by the value of the inheritance; advice free of charge.",
        ),
        "https://www.vero.fi/omavero",
        (
            "Perukirjan voi toimittaa OmaVerossa.",
            "Bouppteckningen kan lämnas i MinSkatt.",
            "The estate inventory can be filed in MyTax.",
        ),
        (
            "kuolema kuollut perunkirjoitus omainen",
            "dödsfall död bouppteckning anhörig",
            "death died deceased estate relative",
        ),
    ),
    "benefit-advice": (
        (
            "Henkilöllisyystodistus; tulotiedot ja hakemuksen liitteet.",
            "Identitetsbevis; inkomstuppgifter och bilagor.",
            "Proof of identity; income details and attachments.",
        ),
        ("Maksuton.", "Avgiftsfri.", "Free of charge."),
        "https://www.kela.fi/asiointi",
        (
            "Useimmat etuudet voi hakea OmaKelassa.",
            "De flesta förmåner kan sökas i MittFPA.",
            "Most benefits can be applied for in OmaKela.",
        ),
        (
            "eläke eläkkeelle perhe-eläke työttömyysturva",
            "pension pensionering familjepension arbetslöshetsskydd",
            "pension retiring survivors unemployment benefit",
        ),
    ),
    "jobseeker-registration": (
        (
            "Henkilöllisyystodistus; työsopimus ja irtisanomisilmoitus.",
            "Identitetsbevis; arbetsavtal och uppsägningsbesked.",
            "Proof of identity; employment contract and notice of dismissal.",
        ),
        ("Maksuton.", "Avgiftsfri.", "Free of charge."),
        "https://tyomarkkinatori.fi",
        (
            "Ilmoittaudu työnhakijaksi Työmarkkinatorilla.",
            "Anmäl dig som arbetssökande på Jobbmarknaden.",
            "Register as a jobseeker at Job Market Finland.",
        ),
        (
            "irtisanottu lomautus työtön",
            "uppsagd permittering arbetslös",
            "laid off dismissed unemployed",
        ),
    ),
    "startup-grant": (
        (
            "Liiketoimintasuunnitelma ja rahoituslaskelma.",
            "Affärsplan och finansieringskalkyl.",
            "Business plan and financial calculations.",
        ),
        ("Maksuton.", "Avgiftsfri.", "Free of charge."),
        "https://tyomarkkinatori.fi",
        (
            "Starttirahaa haetaan verkossa ennen yrityksen aloittamista.",
            "Startpeng söks på nätet innan företaget startar.",
            "Apply for the start-up grant online before the business starts.",
        ),
        ("yritys perustaminen toiminimi", "företag grunda firma", "business company start"),
    ),
    "child-benefit": (
        (
            "Lapsen ja vanhempien henkilötiedot.",
            "Barnets och föräldrarnas personuppgifter.",
            "The child's and parents' personal details.",
        ),
        ("Maksuton.", "Avgiftsfri.", "Free of charge."),
        "https://www.kela.fi/asiointi",
        ("Haetaan OmaKelassa.", "Söks i MittFPA.", "Apply in OmaKela."),
        ("vauva syntymä lapsi äitiys", "bebis födsel barn moderskap", "baby birth child maternity"),
    ),
}

# code, (name fi, sv, en), services in the order the customer usually needs them
LIFE_EVENTS = [
    (
        "moving-to-finland",
        ("Muutto Suomeen", "Flytta till Finland", "Moving to Finland"),
        [
            "residence-permit",
            "personal-identity-code",
            "foreigner-registration",
            "tax-card",
            "social-security-coverage",
            "integration-advice",
            "jobseeker-registration",
        ],
    ),
    (
        "losing-a-job",
        ("Työn menettäminen", "Att förlora jobbet", "Losing a job"),
        [
            "jobseeker-registration",
            "benefit-advice",
            "housing-allowance",
            "tax-card",
            "debt-counselling",
        ],
    ),
    (
        "death-in-the-family",
        ("Läheisen kuolema", "Dödsfall i familjen", "A death in the family"),
        ["benefit-advice", "inheritance-tax", "title-registration", "legal-aid", "guardianship"],
    ),
    (
        "retiring",
        ("Eläkkeelle jääminen", "Gå i pension", "Retiring"),
        ["benefit-advice", "tax-card", "housing-allowance", "service-counselling"],
    ),
    (
        "starting-a-business",
        ("Yrityksen perustaminen", "Starta företag", "Starting a business"),
        ["startup-grant", "career-guidance", "tax-return", "licences", "rural-support"],
    ),
    (
        "child-is-born",
        ("Lapsen syntymä", "Ett barn föds", "A child is born"),
        ["child-benefit", "housing-allowance", "tax-card", "service-counselling"],
    ),
]
