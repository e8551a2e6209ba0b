"""Stage 5, figures: tidy tables in, plotly figures and exported files out.

Enters: the tables of `zwgk.analyses`. Leaves: one plotly figure per chart function
(`charts`, with the house `style`), HTML/PNG/SVG files and their gallery (`export`), and
the notebooks executed headless (`notebooks`).
"""
