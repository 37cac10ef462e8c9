"""Every table of the report page as a header and cells, and its CSV or xlsx download.

The page and the downloads build a table the same way (``build``), so a download holds
exactly the table shown: numbers as numbers, derived figures rounded as text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.http import HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from luukku.monitoring import selectors, space_selectors


@dataclass(frozen=True)
class ReportQuery:
    date_from: date
    date_to: date
    site_ids: frozenset[int] | None  # None: every point
    agency_id: int | None
    period: str
    level: str
    by_service: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    header: list[str]
    cells: list[list[object]]


def report_rows(q: ReportQuery) -> list:
    """The visits report's rows for the query (the page's table and its download alike)."""
    return selectors.report(
        date_from=q.date_from,
        date_to=q.date_to,
        site_ids=q.site_ids,
        agency_id=q.agency_id,
        period=q.period,
        level=q.level,
        by_service=q.by_service,
    )


def visits(q: ReportQuery) -> Table:
    return visits_table(report_rows(q), q.by_service)


def visits_table(rows: list[selectors.ReportRow], by_service: bool = False) -> Table:
    return Table("visits", selectors.columns(by_service), selectors.table(rows, by_service))


def utilisation(q: ReportQuery) -> Table:
    return utilisation_table(
        space_selectors.utilisation_report(
            date_from=q.date_from,
            date_to=q.date_to,
            site_ids=q.site_ids,
            period=q.period,
            level=q.level,
        )
    )


def utilisation_table(rows: list[space_selectors.UtilisationRow]) -> Table:
    return Table(
        "utilisation",
        space_selectors.utilisation_columns(),
        space_selectors.utilisation_table(rows),
    )


def cost(q: ReportQuery) -> Table:
    rows = space_selectors.cost_report(
        date_from=q.date_from, date_to=q.date_to, site_ids=q.site_ids, level=q.level
    )
    return Table("cost", space_selectors.cost_columns(), space_selectors.cost_table(rows))


def chains(q: ReportQuery) -> Table:
    return chains_table(
        selectors.chain_summary(date_from=q.date_from, date_to=q.date_to, site_ids=q.site_ids)
    )


def chains_table(summary: selectors.ChainSummary) -> Table:
    return Table(
        "chains",
        [_("Agencies in order"), _("Visits"), _("Mean hand-over (min)")],
        [list(row) for row in summary.sequences],
    )


def advice(q: ReportQuery) -> Table:
    rows = selectors.advice_summary(
        date_from=q.date_from, date_to=q.date_to, site_ids=q.site_ids, agency_id=q.agency_id
    )
    return Table(
        "advice",
        [_("Agency"), _("Outcome"), _("Contacts"), _("Mean duration (min)")],
        [[r.agency, capfirst(r.outcome), r.contacts, r.mean_minutes] for r in rows],
    )


def feedback_table(rows: list[selectors.FeedbackRow]) -> Table:
    return Table(
        "feedback",
        [_("Place"), _("Agency"), _("Answers"), _("Mean score (1–5)")],
        [[r.place, r.agency, r.answers, r.mean_score] for r in rows],
    )


def feedback(q: ReportQuery) -> Table:
    rows, _comments = selectors.feedback_summary(
        date_from=q.date_from, date_to=q.date_to, site_ids=q.site_ids, agency_id=q.agency_id
    )
    return feedback_table(rows)


#: The tables a download may ask for (``?table=``), with their sheet names.
TABLES: dict[str, tuple[object, Callable[[ReportQuery], Table]]] = {
    "visits": (gettext_lazy("Report"), visits),
    "utilisation": (gettext_lazy("Utilisation"), utilisation),
    "cost": (gettext_lazy("Cost"), cost),
    "chains": (gettext_lazy("Chained visits"), chains),
    "advice": (gettext_lazy("Info-desk contacts"), advice),
    "feedback": (gettext_lazy("Customer feedback"), feedback),
}


def build(key: str, q: ReportQuery) -> Table:
    return TABLES[key][1](q)


def download(table: Table, fmt: str, q: ReportQuery) -> HttpResponse:
    """The table as a CSV (UTF-8 with a byte-order mark) or an xlsx attachment."""
    name = f"luukku-{'report' if table.key == 'visits' else table.key}-{q.date_from}-{q.date_to}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.write("\ufeff")  # so that spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow(table.header)
        writer.writerows(table.cells)
        return response
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(TABLES[table.key][0])[:31])
    sheet.append(table.header)
    for row in table.cells:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
