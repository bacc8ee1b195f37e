{#- One row per timestamp from start_expression (inclusive) to end_expression (exclusive) by a step,
    for each row of from_relation. DuckDB-only: the `range()` list function with `unnest`; other
    warehouses need a spine table (no portable form without dbt_utils or an introspective query, and
    unit tests forbid introspective queries). -#}
{% macro timestamp_series(from_relation, start_expression, end_expression, step_interval, column_name) -%}
    select unnest(range({{ start_expression }}, {{ end_expression }}, interval {{ step_interval }}))
        as {{ column_name }}
    from {{ from_relation }}
{%- endmacro %}
