with

units as (

    select * from {{ ref('int_units_deduplicated') }}

),

final as (

    select
        facility_id || '-' || unit_id as facility_unit_id,
        facility_id,
        unit_id,
        unit_name,
        unit_type,
        is_ed_unit,
        snapshot_date as bed_snapshot_date,
        cast(staffed_beds as integer) as staffed_beds,
        cast(licensed_beds as integer) as licensed_beds,
        cast(physical_beds as integer) as physical_beds
    from units

)

select * from final
