"""Monitoring arithmetic: daily figures, waiting-time histograms, combining, percentiles."""
