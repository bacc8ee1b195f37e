with

source as (

    select * from {{ source('ehr', 'bed_master') }}

),

renamed as (

    select
        {{ surrogate_key(['facility_id', 'bed_id', 'snapshot_date']) }} as bed_snapshot_id,
        snapshot_date,
        facility_id,
        facility_name,
        unit_id,
        unit_name,
        unit_type,
        room_id,
        bed_id,
        bed_status,
        is_staffed as is_bed_staffed,
        coalesce(is_licensed, true) as is_bed_licensed,
        _extract_date as extract_date,
        _raw_id as raw_id
    from source

)

select * from renamed
