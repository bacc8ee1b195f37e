{#- English weekday name of a date or timestamp. DuckDB-only `dayname()`: there is no dbt
    cross-database macro for weekday names. -#}
{% macro weekday_name(expression) -%}
    dayname({{ expression }})
{%- endmacro %}
