with

source as (

    select * from {{ source('scheduling', 'siu_events') }}

),

renamed as (

    select
        message_control_id as siu_event_id,
        appointment_key,
        patient_key,
        facility_id,
        department_id,
        provider_id,
        trigger_event,
        sent_at,
        slot_start_at,
        duration_minutes,
        visit_type,
        filler_status,
        _extract_date as extract_date,
        _raw_id as raw_id
    from source

)

select * from renamed
