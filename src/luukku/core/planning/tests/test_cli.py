from __future__ import annotations

import io
import json
from importlib import resources

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
        "Lähtötiedot",
    ]


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
