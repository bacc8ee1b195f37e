"""Data contracts: one YAML per table, the single source of truth for readers, checks and de-identification."""
