"""The customer booking pages against the demo region, in each language, without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse

from luukku.booking.forms import today
from luukku.booking.models import Booking, BookingState

pytestmark = pytest.mark.django_db

SEARCH = "/book/"
CONFIRM_LINK = re.compile(r'href="(/book/confirm/\?[^"]+)"')
WORDS = {
    "fi": {"search": "passi", "lang": 'lang="fi"'},
    "sv": {"search": "pass", "lang": 'lang="sv"'},
    "en": {"search": "passport", "lang": 'lang="en"'},
}


def times_page(client, **params):
    return client.get(SEARCH, {"service": "passport", "site": "pori", **params})


def first_time_url(client, **params) -> str:
    resp = times_page(client, **params)
    assert resp.status_code == 200
    links = CONFIRM_LINK.findall(resp.content.decode())
    assert links, "no free times on the page"
    return unescape(links[0])


def contact(**extra):
    return {"name": "Testi Asiakas", "phone": "0401234567", "language": "fi", **extra}


def post_confirm(client, url: str, **fields):
    """Submit the step-3 form: the hidden fields come from the link, the rest is typed."""
    page = client.get(url)
    html = page.content.decode()
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    data: dict[str, list[str]] = {}
    for key, value in hidden:
        if key != "csrfmiddlewaretoken":
            data.setdefault(key, []).append(unescape(value))
    data.update({k: [v] for k, v in fields.items()})
    return client.post(reverse("booking:confirm"), data)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_flow__search_times_book_confirm_manage_cancel(client, demo, lang):
    client.cookies["django_language"] = lang
    # step 1: find the service by a word in the customer's language
    resp = client.get(SEARCH, {"q": WORDS[lang]["search"], "site": "pori"})
    html = resp.content.decode()
    assert resp.status_code == 200 and WORDS[lang]["lang"] in html
    assert 'value="passport"' in html and 'value="tax-card"' not in html
    assert 'value="pori" selected' in html
    # step 2 and 3: a time, then the short form
    url = first_time_url(client)
    form = client.get(url)
    assert form.status_code == 200 and 'name="name"' in form.content.decode()
    resp = post_confirm(client, url, **contact(language=lang))
    assert resp.status_code == 302 and resp["Location"] == reverse("booking:done")
    # step 4: the confirmation, with the code, the calendar and the manage link
    done = client.get(resp["Location"]).content.decode()
    booking = Booking.objects.latest("pk")
    assert booking.visit.language == lang and booking.site.slug == "pori"
    assert booking.code in done and "/calendar.ics" in done
    manage = re.search(r'href="(/book/manage/[^"/]+/)"', done).group(1)
    # manage: see it, ask to cancel, cancel
    page = client.get(manage).content.decode()
    assert booking.code in page and "cancel/" in page
    assert client.get(manage + "cancel/").status_code == 200
    resp = client.post(manage + "cancel/")
    assert resp.status_code == 302
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
    assert "cancel/" not in client.get(manage).content.decode()


def test_flow__accept_language_header(client, demo):
    resp = client.get(SEARCH, headers={"accept-language": "sv"})
    assert 'lang="sv"' in resp.content.decode()


def test_search__keyword_in_any_language_finds_service(client, demo):
    for word in ("verokortti", "skattekort", "tax card"):
        assert 'value="tax-card"' in client.get(SEARCH, {"q": word}).content.decode(), word


@pytest.mark.parametrize(
    ("word", "code"),
    [("passia", "passport"), ("verokortin", "tax-card"), ("pasport", "passport")],
)
def test_search__inflected_or_misspelt__finds_the_service(client, demo, word, code):
    """The booking page uses the info desk's search: Finnish forms and typos match."""
    html = client.get(SEARCH, {"q": word}).content.decode()
    assert code in re.findall(r'name="service" value="([^"]+)"', html)[:3], word


def test_search__htmx_request__returns_only_the_list(client, demo):
    resp = client.get(
        SEARCH, {"q": "passi"}, headers={"hx-request": "true", "hx-target": "services"}
    )
    html = resp.content.decode()
    assert html.startswith('<div id="services">') and "<html" not in html


def test_times__remote_bus_times_show_the_stop(client, demo):
    resp = client.get(SEARCH, {"service": "benefit-advice", "site": "satakunta-bus"})
    html = resp.content.decode()
    # The bus is an SVG pictogram (a kiosk or PC without an emoji font shows it too).
    assert CONFIRM_LINK.search(html) and "luukku/icons/bus.svg" in html
    assert "🚌" not in html


def test_times__chained_visit(client, demo):
    resp = times_page(client, also="tax-card")
    html = resp.content.decode()
    url = unescape(CONFIRM_LINK.findall(html)[0])
    assert url.count("leg=") == 2
    resp = post_confirm(client, url, **contact())
    assert resp.status_code == 302
    visit = Booking.objects.latest("pk").visit
    assert [b.service.code for b in visit.bookings.order_by("position")] == [
        "passport",
        "tax-card",
    ]


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"service": "passport", "site": "pori"}, id="one-site"),
        pytest.param({"service": "benefit-advice"}, id="all-sites-with-bus"),
        pytest.param({"service": "passport", "also": "tax-card"}, id="chain"),
    ],
)
def test_times__query_count_stays_flat(client, demo, django_assert_max_num_queries, params):
    client.get(SEARCH, params)  # warm the registry snapshot
    with django_assert_max_num_queries(12):
        resp = client.get(SEARCH, params)
    assert resp.status_code == 200 and CONFIRM_LINK.search(resp.content.decode())


def test_times__later_days_link(client, demo):
    html = times_page(client).content.decode()
    assert "day=" in html


@pytest.mark.parametrize(
    "day",
    [pytest.param(-1, id="past"), pytest.param(91, id="beyond-90-days")],
)
def test_times__bad_day__error_next_to_the_field(client, demo, day):
    value = (today() + timedelta(days=day)).isoformat()
    html = times_page(client, day=value).content.decode()
    assert 'id="id_day_error"' in html and 'aria-describedby="id_day_error"' in html
    assert f'value="{value}"' in html and not CONFIRM_LINK.search(html)


def test_search__group_size_zero__error_next_to_the_field(client, demo):
    html = times_page(client, group_size="0").content.decode()
    assert 'id="id_group_size_error"' in html and 'aria-invalid="true"' in html
    assert 'name="group_size" value="0"' in html


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        pytest.param({"name": ""}, "name", id="missing-name"),
        pytest.param({"phone": "", "email": ""}, "phone", id="no-phone-nor-email"),
        pytest.param({"phone": "", "email": "not-an-address"}, "email", id="bad-email"),
    ],
)
def test_confirm__bad_contact__form_again_with_message(client, demo, fields, error_field):
    url = first_time_url(client)
    typed = contact(**{"name": "Maija Meikäläinen", **fields})
    resp = post_confirm(client, url, **typed)
    html = resp.content.decode()
    assert resp.status_code == 422
    assert f'id="id_{error_field}_error"' in html
    assert f'aria-describedby="id_{error_field}_error"' in html
    if typed["name"]:
        assert 'value="Maija Meikäläinen"' in html
    assert not Booking.objects.filter(visit__name="Maija Meikäläinen").exists()


def test_confirm__group_size_zero_in_link__back_to_the_field(client, demo):
    url = first_time_url(client, group_size="2").replace("group_size=2", "group_size=0")
    resp = client.get(url)
    assert resp.status_code == 302 and "group_size=0" in resp["Location"]
    assert 'id="id_group_size_error"' in client.get(resp["Location"]).content.decode()
    assert client.post(reverse("booking:confirm"), {"leg": "x"}).status_code == 302


def test_confirm__garbled_link__back_to_search(client, demo):
    resp = client.get(reverse("booking:confirm"), {"site": "pori", "leg": "passport|junk|x"})
    assert resp.status_code == 302 and resp["Location"] == reverse("booking:search")


def test_confirm__time_taken__says_so_and_offers_next_times(client, demo):
    url = first_time_url(client)
    for i in range(8):
        resp = post_confirm(client, url, **contact(name=f"Kilpailija {i}"))
        if resp.status_code != 302:
            break
    assert resp.status_code == 409
    html = resp.content.decode()
    assert 'role="alert"' in html and 'name="leg"' in html
    # the next times are one press away, with the details already given
    assert 'value="Kilpailija' in html


def test_manage__reschedule_to_a_next_free_time(client, demo):
    resp = post_confirm(client, first_time_url(client), **contact())
    manage = re.search(
        r'href="(/book/manage/[^"/]+/)"', client.get(resp["Location"]).content.decode()
    )
    booking = Booking.objects.latest("pk")
    page = client.get(f"{manage.group(1)}reschedule/{booking.code}/").content.decode()
    times = re.findall(
        r'name="start" value="([^"]+)">\s*<input type="hidden" name="site" value="([^"]+)">'
        r'\s*<input type="hidden" name="channel" value="([^"]+)">',
        page,
    )
    assert times
    start, site, channel = times[-1]
    resp = client.post(
        f"{manage.group(1)}reschedule/{booking.code}/",
        {"start": start, "site": site, "channel": channel},
    )
    assert resp.status_code == 302
    old = booking.start
    booking.refresh_from_db()
    assert booking.start != old and booking.state == BookingState.BOOKED


def test_manage__begun_booking__cannot_be_changed(client, demo):
    resp = post_confirm(client, first_time_url(client), **contact())
    token_path = re.search(
        r'href="(/book/manage/[^"/]+/)"', client.get(resp["Location"]).content.decode()
    ).group(1)
    booking = Booking.objects.latest("pk")
    Booking.objects.filter(pk=booking.pk).update(state=BookingState.CHECKED_IN)
    html = client.get(token_path).content.decode()
    assert "reschedule/" not in html and "cancel/" not in html and 'class="notice"' in html
    resp = client.post(token_path + "cancel/")
    booking.refresh_from_db()
    assert booking.state == BookingState.CHECKED_IN
    resp = client.get(f"{token_path}reschedule/{booking.code}/")
    assert 'role="alert"' in resp.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("short", id="malformed"),
        pytest.param("x" * 200, id="too-long"),
        pytest.param("A" * 32, id="unknown"),
    ],
)
def test_manage__bad_token__friendly_404(client, demo, token):
    for path in (f"/book/manage/{token}/", f"/book/manage/{token}/cancel/"):
        resp = client.get(path)
        assert resp.status_code == 404
        assert "<h1>" in resp.content.decode()
    assert client.post(f"/book/manage/{token}/cancel/").status_code == 404
    assert client.get(f"/book/manage/{token}/reschedule/ABC/").status_code == 404


def test_done__without_a_booking__back_to_search(client, demo):
    resp = client.get(reverse("booking:done"))
    assert resp.status_code == 302
