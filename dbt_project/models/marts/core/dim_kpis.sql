-- The KPI dictionary, generated from the `meta.kpis` of every model (each KPI is defined once, in the
-- YAML of the model that computes it). See macros/kpi_dictionary_rows.sql.
with

kpis as (

    {{ kpi_dictionary_rows() }}

),

final as (

    select * from kpis

)

select * from final
