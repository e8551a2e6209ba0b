"""Similar measures across plans: vectors and neighbours, clusters, reuse, projection.

Enters: the measures table. Leaves: neighbour tables, cluster assignments and summaries
(common tasks), near-verbatim reuse between plans and a 2-D map of measures.
"""

from zwgk.analyses.similar.clusters import (
    DEFAULT_THRESHOLD,
    cluster_index,
    cluster_measures,
    summarise_clusters,
    summarise_task_presence,
)
from zwgk.analyses.similar.index import DEFAULT_NEIGHBOURS, SimilarityIndex, build_similarity_index, find_neighbours, similar_to
from zwgk.analyses.similar.projection import MAP_MAX_POINTS, project_measures
from zwgk.analyses.similar.reuse import align_texts, find_text_reuse, summarise_text_reuse

__all__ = [
    "DEFAULT_NEIGHBOURS",
    "DEFAULT_THRESHOLD",
    "MAP_MAX_POINTS",
    "SimilarityIndex",
    "align_texts",
    "build_similarity_index",
    "cluster_index",
    "cluster_measures",
    "find_neighbours",
    "find_text_reuse",
    "project_measures",
    "similar_to",
    "summarise_clusters",
    "summarise_task_presence",
    "summarise_text_reuse",
]
