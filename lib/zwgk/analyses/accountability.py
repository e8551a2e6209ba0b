"""Accountability indicators per plan: the share of tasks that name an accountable agency
(lead or responsible), with a deadline or frequency, with a quantified target; and tasks per
canonical agency kind.

A plan that names no agency at all (most prose plans) has its agency shares missing (not
zero), and ``names_agencies`` says so, so that a layout difference does not pass for a gap.
Likewise the lead-only share: a plan with one combined "牵头及责任单位" column marks a lead
only where it lists several agencies ("X牵头，Y负责") and writes a single agency as "X负责", so
counting only leads there measures the layout (one seed plan: 52% with a lead, 99% naming an
agency). ``is_lead_distinguished`` says whether a plan names a lead in every task that lists
several accountable agencies; elsewhere ``share_with_lead`` is missing.
"""

from __future__ import annotations

import pandas as pd

from zwgk.parse.time_expressions import has_quantity
from zwgk.settings import get_default_settings


def has_quantified_target(text: str) -> bool:
    """Whether ``text`` sets a number: counts, percentages, time limits (config: quantities)."""
    return has_quantity(text, get_default_settings().time)


def summarise_accountability(plans: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    """One row per plan: n_tasks and shares of tasks naming an accountable agency, a lead, a deadline or frequency, a number."""
    pairs = zip(tasks["lead_agencies"], tasks["responsible_agencies"], strict=True)
    accountable = [set(lead) | set(responsible) for lead, responsible in pairs]
    n_accountable = pd.Series([len(names) for names in accountable], index=tasks.index)
    frame = tasks.assign(
        has_agency=n_accountable > 0,
        has_lead=tasks["lead_agencies"].map(len) > 0,
        is_unled_group=(n_accountable > 1) & (tasks["lead_agencies"].map(len) == 0),
        has_time=(tasks["deadlines"].map(len) > 0) | (tasks["frequencies"].map(len) > 0),
        has_quantity=tasks["task_text"].map(has_quantified_target),
    )
    out = frame.groupby("plan_id").agg(
        n_tasks=("task_id", "size"),
        share_with_agency=("has_agency", "mean"),
        share_with_lead=("has_lead", "mean"),
        share_with_deadline_or_frequency=("has_time", "mean"),
        share_with_quantified_target=("has_quantity", "mean"),
    )
    names = frame.groupby("plan_id")["has_agency"].any().rename("names_agencies")
    distinguished = (~frame.groupby("plan_id")["is_unled_group"].any()).rename("is_lead_distinguished")
    out = out.join(names).join(distinguished).reset_index()
    out["is_lead_distinguished"] &= out["names_agencies"]
    out.loc[~out["names_agencies"], "share_with_agency"] = float("nan")
    out.loc[~out["is_lead_distinguished"], "share_with_lead"] = float("nan")
    columns = ["plan_id", "jurisdiction", "jurisdiction_en", "level", "province", "year", "layout"]
    return plans[columns].merge(out, on="plan_id")


def summarise_agency_kinds(tasks: pd.DataFrame, agencies: pd.DataFrame) -> pd.DataFrame:
    """Tasks per plan and canonical agency kind (lead or responsible), with the share of the plan's tasks."""
    named = agencies[agencies["role"] != "cooperating"].drop_duplicates(["task_id", "agency_kind_id"])
    counts = named.groupby(["plan_id", "agency_kind_id", "agency_kind_zh", "agency_kind_en"]).size().rename("n_tasks").reset_index()
    totals = tasks.groupby("plan_id").size().rename("plan_tasks")
    counts = counts.join(totals, on="plan_id")
    counts["share_of_tasks"] = counts["n_tasks"] / counts["plan_tasks"]
    return counts.drop(columns="plan_tasks").sort_values(
        ["plan_id", "n_tasks", "agency_kind_id"], ascending=[True, False, True], ignore_index=True
    )
