"""Pure-Python functional core: scheduling, queueing, planning and simulation.

Nothing here imports Django; the Django apps load data, call the core with plain
values and persist what it returns. Ruff's banned-import rule (TID251, configured
in ``ruff.toml`` beside this file) keeps it that way.
"""
