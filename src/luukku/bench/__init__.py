"""Benchmarks and load generators: ``luukku bench booking|queue|simulate``.

Kept outside the apps (as Zulip keeps its load tools in ``tools/``) so that the
product packages hold only what production runs. Not a Django app: ``luukku bench``
configures Django itself (``command.py``) before importing the modules that use
models, and its extra dependencies (Ciw, tqdm) come with the ``bench`` extra.
"""
