{#- Portable surrogate key (dbt_utils.generate_surrogate_key without the package): md5 of the
    '-'-joined, null-safe text of the given column expressions. -#}
{% macro surrogate_key(field_list) -%}
    {%- set parts = [] -%}
    {%- for field in field_list -%}
        {%- do parts.append(
            "coalesce(" ~ dbt.safe_cast(field, dbt.type_string()) ~ ", '_null_')"
        ) -%}
        {%- if not loop.last -%}{%- do parts.append("'-'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
