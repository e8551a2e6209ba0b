"""Every path zwgk reads or writes, defined once.

Data flows one way: ``data/raw`` (never edited) -> parse -> ``data/processed`` (parquet)
-> analyses -> ``figures``. ``ZWGK_DATA_DIR`` points the whole pipeline at another data
folder (tests build into temporary folders this way, never touching the repository's data).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CONFIG_DIR = PACKAGE_DIR / "config"
REPO_DIR = PACKAGE_DIR.parent.parent


def get_data_dir() -> Path:
    """Return the data folder: ``$ZWGK_DATA_DIR`` if set, else ``<repo>/data``."""
    override = os.environ.get("ZWGK_DATA_DIR")
    return Path(override).resolve() if override else REPO_DIR / "data"


def resolve_data_dir(data_dir: Path | str | None = None) -> Path:
    """Return ``data_dir`` as a Path (a researcher may pass a string), or the data folder when None."""
    return Path(data_dir) if data_dir else get_data_dir()


def get_raw_dir(data_dir: Path | None = None) -> Path:
    """Return the folder of raw plan files and their manifest (of ``data_dir``, default the data folder)."""
    return resolve_data_dir(data_dir) / "raw"


def get_manifest_path(data_dir: Path | None = None) -> Path:
    """Return the manifest: one row per raw file with its metadata and sha256."""
    return get_raw_dir(data_dir) / "plans.csv"


def get_processed_dir(data_dir: Path | None = None) -> Path:
    """Return the folder of the built parquet tables."""
    return resolve_data_dir(data_dir) / "processed"


def get_clusters_dir(data_dir: Path | None = None) -> Path:
    """Return the folder of the persisted cluster assignments (an analysis output kept with the dataset)."""
    return resolve_data_dir(data_dir) / "clusters"


def get_cache_dir() -> Path:
    """Return the folder of caches (tokens by content hash) that survive rebuilds."""
    return get_data_dir() / "cache"


# Analysis configuration researchers edit: the jieba lexicon and the theme codebook.
LEXICON_DIR = REPO_DIR / "data" / "lexicon"
CODEBOOK_PATH = REPO_DIR / "data" / "codebook" / "themes.yaml"
# The bilingual glossary (English in charts) and the researcher's decisions on common tasks.
GLOSSARY_PATH = REPO_DIR / "data" / "codebook" / "glossary.yaml"
COMMON_TASKS_PATH = REPO_DIR / "data" / "codebook" / "common_tasks.yaml"
FIGURES_DIR = REPO_DIR / "figures"
NOTEBOOKS_DIR = REPO_DIR / "notebooks"
