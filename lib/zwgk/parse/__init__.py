"""Stage 2, parse: decoded lines in, one `ParsedPlan` out. Pure: no pandas, no disk.

Enters: the lines of one plan (from `zwgk.ingest`) and the parser settings
(`zwgk.settings.ParserSettings`, the files in ``zwgk/config``). Leaves: a `ParsedPlan`
holding its front matter, tasks with sections, agencies, deadlines and the line every
piece came from, plus warnings. Layouts are recognised from the text, never from a file
name, jurisdiction or year.
"""
