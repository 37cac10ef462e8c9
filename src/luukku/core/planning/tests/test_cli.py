from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path

from openpyxl import load_workbook

from luukku.core.planning.cli import _ProgressLine, main

DATA = resources.files("luukku.core.planning").joinpath("data")
FORECAST = str(DATA.joinpath("demo-forecast-pori.csv"))
STOCK = str(DATA.joinpath("demo-stock-pori.csv"))


def test_plan__demo__prints_and_exports(tmp_path, capsys):
    xlsx, out = tmp_path / "p.xlsx", tmp_path / "p.json"
    code = main(
        [
            "plan",
            FORECAST,
            "--size",
            "L",
            "--existing",
            STOCK,
            "--xlsx",
            str(xlsx),
            "--json",
            str(out),
        ]
    )
    assert code == 0
    assert "Saving from sharing" in capsys.readouterr().out
    plans = json.loads(out.read_text())["plans"]
    assert plans[0]["pooled_total_m2"] < plans[0]["separate_total_m2"]
    assert plans[0]["development"]
    assert load_workbook(xlsx).sheetnames == [
        "Tilaohjelma",
        "Skenaariot",
        "Henkilöstö",
        "Havainnot",
        "Lähtötiedot",
    ]


def test_plan__twice_and_ten_times_the_demo__print_a_plan(tmp_path, capsys):
    # Twice the demo crashed with OverflowError in poisson_quantile (issue 17).
    rows = Path(FORECAST).read_text("utf-8").splitlines()
    for factor in (2, 10):
        scaled = [
            rows[0],
            *(f"{a},{float(v) * factor:g}" for a, v in (r.split(",") for r in rows[1:])),
        ]
        path = tmp_path / f"x{factor}.csv"
        path.write_text("\n".join(scaled) + "\n", "utf-8")
        assert main(["plan", str(path), "--xlsx", str(tmp_path / f"x{factor}.xlsx")]) == 0
        out = capsys.readouterr().out
        assert "Space programme" in out and "inf" not in out


def test_plan__a_cap_below_the_load__prints_a_finding(tmp_path, capsys):
    caps = tmp_path / "caps.json"
    caps.write_text('{"global": {"max_servers": {"terminal": 1}}}', "utf-8")
    assert (
        main(["plan", FORECAST, "--defaults", str(caps), "--xlsx", str(tmp_path / "c.xlsx")]) == 0
    )
    out = capsys.readouterr().out
    assert "self-service terminals (shared): queue unstable" in out
    findings = [
        r[1] for r in load_workbook(tmp_path / "c.xlsx")["Havainnot"].iter_rows(values_only=True)
    ]
    assert any("self-service terminals" in (f or "") for f in findings)


def test_plan__custom_scenario__is_compared(tmp_path, capsys):
    assert main(["plan", FORECAST, "--scenario", "quiet:forecast=0.5,hours=1"]) == 0
    assert "quiet" in capsys.readouterr().out


def test_plan__bad_forecast__exits_2_names_row_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("agency,annual_visits\nKELA,100\nTE,-3\n")
    out = tmp_path / "p.json"
    assert main(["plan", str(bad), "--json", str(out), "--xlsx", str(tmp_path / "p.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "annual_visits" in err
    assert list(tmp_path.iterdir()) == [bad]


def test_plan__bad_scenario__exits_2(capsys):
    assert main(["plan", FORECAST, "--scenario", "x:colour=3"]) == 2
    assert "colour" in capsys.readouterr().err


def test_simulate__day__reports_waits(tmp_path, capsys):
    out = tmp_path / "s.json"
    assert (
        main(["simulate", FORECAST, "--horizon", "day", "--replications", "3", "--json", str(out)])
        == 0
    )
    data = json.loads(out.read_text())
    assert set(data) >= {
        "mean_wait_min",
        "p90_wait_min",
        "service_level",
        "utilisation",
        "max_waiting_persons",
    }


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line__terminal__counts_then_wipes_itself():
    stream = _Terminal()
    with _ProgressLine(60, "simulated days", stream) as progress:
        for _ in range(60):
            progress.update(1)
    text = stream.getvalue()
    assert "\rsimulated days 60/60" in text
    assert text.endswith("\r" + " " * len("simulated days 60/60") + "\r")


def test_progress_line__not_a_terminal_or_short__prints_nothing():
    for stream, total in ((io.StringIO(), 500), (_Terminal(), 10)):
        with _ProgressLine(total, "simulated days", stream) as progress:
            progress.update(total)
        assert stream.getvalue() == ""
