"""The ``luukku`` console command.

``luukku plan`` and ``luukku simulate`` are pure-Python planning tools that need no
database (``luukku plan --measured SLUG`` reads a point's measured usage, so it sets
Django up and runs ``luukku.planning.cli``); ``luukku bench ...`` runs a benchmark (``luukku.bench``, which sets up its
own database); ``luukku serve`` is the production server (``luukku.web.serve``);
everything else is a Django management command (``luukku migrate``,
``luukku seed-demo`` ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["plan"] and any(a == "--measured" or a.startswith("--measured=") for a in argv):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luukku.settings")
        import django

        django.setup()
        from luukku.planning import cli as measured_cli

        return measured_cli.main(argv[1:])
    if argv and argv[0] in ("plan", "simulate"):
        from luukku.core.planning import cli as planning_cli

        return planning_cli.main(argv)
    if argv[:1] == ["serve"]:
        from luukku.web import serve

        return serve.main(argv[1:])
    if argv[:1] == ["bench"]:
        # Imported only when asked for: the benchmarks need the `bench` extra.
        from luukku.bench import command as bench_command

        return bench_command.main(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luukku.settings")
    from django.core.management import execute_from_command_line

    # Management commands use underscores; accept the friendlier dashed spelling.
    if argv:
        argv[0] = argv[0].replace("-", "_")
    execute_from_command_line(["luukku", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
