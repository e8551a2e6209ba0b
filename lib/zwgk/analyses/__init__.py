"""Stage 4, analyses: tables in, tidy tables out.

Enters: the frames of `zwgk.processed` (plans, tasks, measures, agencies). Leaves: tokens,
theme codes, plan × theme panels with intervals, timelines, gaps, keyness, accountability
shares, similar measures and common tasks (`zwgk.analyses.similar`). Nothing here draws.
"""
