"""Export a plan to .xlsx laid out like a planner's space programme."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .dimensioning import PlanResult
from .inputs import Defaults, source_of
from .report import finding_text

LABELS = {
    "booth": "Palvelupiste (seinäke) / Screened booth",
    "service_room": "Palveluhuone / Service room",
    "remote_room": "Etäpalveluhuone / Remote-service room",
    "safe_room": "Turvahuone / Safe room",
    "meeting_room": "Neuvotteluhuone (≤ 6) / Meeting room",
    "terminal": "Asiakaspääte / Self-service terminal",
    "advice_point": "Neuvontapiste / Advice point",
    "waiting_seat": "Odotuspaikka / Waiting seat",
    "workstation": "Taustatyöpiste / Back-office workstation",
}
BOLD = Font(bold=True)
HEAD = PatternFill("solid", fgColor="DDE7F0")


def _header(ws, row: list[str]) -> None:
    ws.append(row)
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = BOLD, HEAD


def _widths(ws) -> None:
    for i, col in enumerate(ws.columns, start=1):
        width = max(len(str(c.value or "")) for c in col)
        ws.column_dimensions[get_column_letter(i)].width = min(60, width + 2)


def write_xlsx(results: tuple[PlanResult, ...], defaults: Defaults, path: str | Path) -> None:
    """Write atomically: a temp file renamed into place only when complete."""
    wb = workbook(results, defaults)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent or ".")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def xlsx_bytes(results: tuple[PlanResult, ...], defaults: Defaults) -> bytes:
    """The same workbook in memory, for a download."""
    buffer = io.BytesIO()
    workbook(results, defaults).save(buffer)
    return buffer.getvalue()


def workbook(results: tuple[PlanResult, ...], defaults: Defaults) -> Workbook:
    """The space programme, scenarios, staffing, findings and inputs as sheets."""
    base = results[0]
    wb = Workbook()
    ws = wb.active
    ws.title = "Tilaohjelma"
    ws.append([f"Alustava tilaohjelma / Preliminary space programme — size {base.size}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    head = [
        "Tilatyyppi / Space type",
        "Kpl / Count",
        "m²/kpl",
        "m²",
        "htm²",
        "Erillinen kpl / Separate count",
        "Erillinen m² / Separate m²",
    ]
    if base.development:
        head += [
            "Nykyinen kpl / Existing",
            "Nykyinen m² / Existing m²",
            "Muutos kpl / Change",
            "Muutos m² / Change m²",
        ]
    _header(ws, head)
    dev = {d.space_type: d for d in base.development or ()}
    for line in base.pooled.lines:
        sep = next(x for x in base.separate.lines if x.space_type == line.space_type)
        row = [
            LABELS[line.space_type],
            line.count,
            line.m2_each,
            round(line.m2, 1),
            round(line.htm2, 1),
            sep.count,
            round(sep.m2, 1),
        ]
        if dev:
            d = dev[line.space_type]
            row += [d.existing, round(d.existing_m2, 1), d.change, round(d.change_m2, 1)]
        ws.append(row)
    ws.append(
        [
            "Yhteensä / Total",
            None,
            None,
            round(base.pooled.total_m2, 1),
            round(base.pooled.total_htm2, 1),
            None,
            round(base.separate.total_m2, 1),
        ]
    )
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    ws.append([])
    ws.append(
        [
            "Yhteiskäytön säästö / Saving from sharing (m²)",
            round(base.saving_m2, 1),
            base.saving_share,
        ]
    )
    ws.cell(ws.max_row, 3).number_format = "0%"  # a share shown as a percentage
    ws.append(["Henkilötyövuodet / Person-years on site", round(base.person_years, 1)])
    ws.append(
        [
            "Toimistotilatavoite / Office target (htm², 10 htm²/htv)",
            round(base.office_htm2_target, 1),
        ]
    )
    ws.append(["Huippuviikko / Peak week: month", base.peak_month, "peak day", base.peak_day])
    ws.append(["Odotettu palvelutaso / Expected service level", base.expected_service_level])
    ws.cell(ws.max_row, 2).number_format = "0.0%"
    _widths(ws)

    ws = wb.create_sheet("Skenaariot")
    _header(ws, ["Tilatyyppi / Space type", *(r.scenario.name for r in results)])
    for i, line in enumerate(base.pooled.lines):
        ws.append([LABELS[line.space_type], *(r.pooled.lines[i].count for r in results)])
    ws.append(["m² (yhteiskäyttö / pooled)", *(round(r.pooled.total_m2, 1) for r in results)])
    ws.append(["m² (erillinen / separate)", *(round(r.separate.total_m2, 1) for r in results)])
    ws.append(["htm² (yhteiskäyttö / pooled)", *(round(r.pooled.total_htm2, 1) for r in results)])
    _widths(ws)

    ws = wb.create_sheet("Henkilöstö")
    ws.append(
        [f"Virkailijat tunneittain huippupäivänä / Officials per hour, peak day ({base.peak_day})"]
    )
    _header(ws, ["Toimija / Agency", *(f"{h}-{h + 1}" for h in base.hours)])
    for code, row in base.officials_peak_day().items():
        ws.append([code, *row])
    ws.append(
        [
            "Neuvojat / Advisors",
            *base.advisors[["mon", "tue", "wed", "thu", "fri"].index(base.peak_day)],
        ]
    )
    ws.append([])
    ws.append(["Käynnit tunnissa / Visits per hour, peak day"])
    _header(ws, ["Toimija / Agency", *(f"{h}-{h + 1}" for h in base.hours)])
    for code, row in base.arrivals.items():
        ws.append([code, *(round(x, 2) for x in row)])
    _widths(ws)

    ws = wb.create_sheet("Havainnot")
    _header(ws, ["Skenaario / Scenario", "Havainto / Finding"])
    findings = [(r.scenario.name, finding_text(f)) for r in results for f in r.findings]
    for row in findings or [
        ("—", "Kaikki jonot mitoitettu tavoitteeseen / every queue meets the target")
    ]:
        ws.append(list(row))
    _widths(ws)

    ws = wb.create_sheet("Lähtötiedot")
    _header(ws, ["Toimija / Agency", "Kenttä / Field", "Arvo / Value", "Lähde / Source"])
    for code, a in defaults.agencies.items():
        for field in (
            "service_time_min",
            "service_time_cv",
            "booked_share",
            "remote_share",
            "group_size",
            "room_share",
            "meeting_share",
        ):
            ws.append([code, field, getattr(a, field), source_of(defaults, code, field)])
        ws.append(
            [
                code,
                "personas",
                ", ".join(f"{k} {v:.0%}" for k, v in a.personas.items()),
                source_of(defaults, code, "personas"),
            ]
        )
    for field, value in (
        ("target_service_level", defaults.target_service_level),
        ("target_wait_min", defaults.target_wait_min),
        ("htm2_per_room_m2", defaults.htm2_per_room_m2),
        ("office_htm2_per_person_year", defaults.office_htm2_per_person_year),
    ):
        ws.append(["—", field, value, source_of(defaults, None, field)])
    _widths(ws)
    return wb
