{#- Placeholder rows for the keys an incremental run rebuilt into no rows (e.g. an encounter whose
    only admission was cancelled). delete+insert deletes only the keys present in the new rows, so
    without a placeholder the key's old rows would stay. Every other column is null; the model's
    post-hook `delete_placeholders` removes them before the run commits. DuckDB `union all by name`.
    Append after the model's final select. -#}
{% macro placeholders_for_keys_without_rows(keys, rows, key) -%}
    union all by name
    select {{ key }}
    from {{ keys }}
    where {{ key }} not in (select {{ key }} from {{ rows }})
{%- endmacro %}

{#- Post-hook of the models using `placeholders_for_keys_without_rows`: a placeholder is the only row
    without a raw_id (every real row carries the load number of its encounter's latest message). -#}
{% macro delete_placeholders() -%}
    delete from {{ this }} where raw_id is null
{%- endmacro %}
