{#- Select-list expression that fans a row out into one row per timestamp from start_expression
    (inclusive) to end_expression (exclusive) by step_interval. DuckDB-only (`unnest(range(...))`);
    used to expand each stay into its own hours/days so the census costs O(occupied bed-hours)
    instead of a stays x hours join. -#}
{% macro timestamp_range_rows(start_expression, end_expression, step_interval) -%}
    unnest(range({{ start_expression }}, {{ end_expression }}, interval {{ step_interval }}))
{%- endmacro %}
