{#- Minutes since the start of the day of a timestamp (portable: datediff against date_trunc). -#}
{% macro minutes_after_midnight(expression) -%}
    {{ dbt.datediff(dbt.date_trunc('day', expression), expression, 'minute') | trim }}
{%- endmacro %}
