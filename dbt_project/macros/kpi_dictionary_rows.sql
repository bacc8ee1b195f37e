{#- Rows of the KPI dictionary, read from the `meta.kpis` list of every model in the graph, so that each
    KPI is defined once (in the YAML of the model computing it). At parse time the graph is empty and the
    macro yields a typed empty relation. -#}
{% macro kpi_dictionary_rows() -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='name') -%}
            {%- if node.resource_type == 'model' and node.package_name == project_name -%}
                {%- for kpi in node.config.get('meta', {}).get('kpis', []) -%}
                    {%- do rows.append({
                        'kpi_id': kpi.get('kpi_id'),
                        'kpi_name': kpi.get('name'),
                        'numerator': kpi.get('numerator'),
                        'denominator': kpi.get('denominator'),
                        'exclusions': kpi.get('exclusions'),
                        'source': kpi.get('source'),
                        'variants': (kpi.get('variants') or []) | join(', '),
                        'model': node.name,
                    }) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set columns = [
        'kpi_id', 'kpi_name', 'numerator', 'denominator', 'exclusions', 'source', 'variants', 'model'
    ] -%}
    {%- if rows | length == 0 %}
    select
        {%- for column in columns %}
        cast(null as {{ dbt.type_string() }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    where 1 = 0
    {%- else %}
        {%- for row in rows %}
    select
            {%- for column in columns %}
        cast({{ "'" ~ (row[column] or '') | replace("'", "''") ~ "'" }} as {{ dbt.type_string() }})
            as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
            {{- '\n    union all' if not loop.last }}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}
