"""Data contracts: one YAML per table, the source of truth for readers, checks and de-id."""
