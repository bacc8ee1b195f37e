{#- Keys of the rows in `relation` loaded after everything `this` was built from, for incremental
    models whose rows depend only on the source rows of their own key (delete+insert on that key).

    De-identified tables are append-only and `raw_id` is assigned in load order, so a key with no
    row above the target's highest raw_id has the same source rows as at the last build, and its
    rows are unchanged. The target's highest raw_id is at most the highest one of the last build,
    so this can only include more keys than needed (rebuilt to the same rows), never fewer.
    Anything else that feeds the model (seeds, vars, a re-run of de-identification) needs
    `dbt build --full-refresh`. `raw_id_column` names the load number in `relation` (`_raw_id` in
    a de-identified source); in `this` it is `raw_id`. -#}
{% macro keys_with_new_rows(relation, key, raw_id_column='raw_id') -%}
    select distinct {{ key }}
    from {{ relation }}
    where {{ raw_id_column }} > (select coalesce(max(raw_id), -1) from {{ this }})
{%- endmacro %}

{#- Filter for the rows of `relation` loaded after everything `this` was built from, for incremental
    models with one row per source row (append): such a row depends on nothing else, so the rows
    above the target's highest raw_id are exactly the ones it lacks. -#}
{% macro loaded_after_last_build(raw_id_column='_raw_id') -%}
    {{ raw_id_column }} > (select coalesce(max(raw_id), -1) from {{ this }})
{%- endmacro %}
