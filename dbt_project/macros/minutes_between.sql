{#- Whole minutes from start to end (null when either is null), portable via dbt.datediff. -#}
{% macro minutes_between(start_at, end_at) -%}
    {{ dbt.datediff(start_at, end_at, 'minute') | trim }}
{%- endmacro %}
