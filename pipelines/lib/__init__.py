"""Shared helpers for the pipelines (no Dagster definitions here)."""
