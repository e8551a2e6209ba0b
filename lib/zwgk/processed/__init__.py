"""Stage 3, processed: parsed plans in, validated parquet tables in ``data/processed`` out.

Enters: the manifest and every `ParsedPlan`. Leaves: the tables plans, tasks, measures,
agencies and source_lines, validated against the field dictionary (`zwgk.schema`),
written atomically with a build fingerprint, and read back by the ``load_*`` functions.
"""
