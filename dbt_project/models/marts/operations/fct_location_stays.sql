with

stays as (

    select * from {{ ref('int_location_stays_built') }}

),

final as (

    select
        location_stay_id,
        encounter_key,
        patient_key,
        facility_id,
        unit_id,
        unit_type,
        room_id,
        bed_id,
        patient_class,
        is_observation,
        start_trigger_event,
        end_trigger_event,
        started_at,
        ended_at,
        stay_end_at,
        is_open,
        cast(stay_hours as double) as stay_hours,
        is_boarder
    from stays

)

select * from final
