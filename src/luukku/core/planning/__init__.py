"""Space programme and staffing from a visitor forecast (pure Python, no Django).

``inputs`` parses and validates forecasts, stock and defaults; ``erlang`` holds the
queueing formulas; ``dimensioning`` turns the inputs into a programme; ``simulation``
checks it by discrete-event simulation; ``xlsx`` and ``cli`` are the planner's tools.
"""
