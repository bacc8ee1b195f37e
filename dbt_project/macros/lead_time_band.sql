{#- Lead-time band label from var('lead_time_band_upper_days') (inclusive upper bounds, in days),
    e.g. [7, 14, 28] -> '00-07d', '08-14d', '15-28d', '29d+'. Null days give a null band. -#}
{% macro lead_time_band(days_expression) -%}
    {%- set edges = var('lead_time_band_upper_days') -%}
    case
        when {{ days_expression }} is null then null
        {%- set ns = namespace(lower=0) %}
        {%- for upper in edges %}
        when {{ days_expression }} <= {{ upper }} then '{{ "%02d" | format(ns.lower) }}-{{ "%02d" | format(upper) }}d'
        {%- set ns.lower = upper + 1 %}
        {%- endfor %}
        else '{{ "%02d" | format(ns.lower) }}d+'
    end
{%- endmacro %}
