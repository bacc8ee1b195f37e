with

units as (

    select * from {{ ref('int_units_deduplicated') }}

),

final as (

    select
        facility_id,
        max(facility_name) as facility_name,
        cast(count(*) as integer) as units,
        cast(sum(staffed_beds) as integer) as staffed_beds
    from units
    group by facility_id

)

select * from final
