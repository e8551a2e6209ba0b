"""Stage 1, ingest: raw files and the manifest in, decoded lines out.

Enters: the bytes of a file in ``data/raw`` (text in any common Chinese encoding, .docx,
.html, .pdf) and its manifest row. Leaves: `DecodedText` (the file's lines, encoding and
sha256) and checked `ManifestEntry` rows. Nothing here knows what a task is.
"""
