-- A table built incrementally, unlike the other staging views: the latest-extract-wins ranking reads
-- every extract of every appointment (a million rows a year), and only appointments with a new
-- extract row can change their winner.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='appointment_key',
    on_schema_change='fail',
) }}

with

source as (

    select * from {{ source('scheduling', 'appointments') }}
    {% if is_incremental() %}
        where appointment_key in (
            {{ keys_with_new_rows(
                source('scheduling', 'appointments'), 'appointment_key', '_raw_id'
            ) }}
        )
    {% endif %}

),

ranked as (

    -- Snapshot feed: the row from the latest extract (then the latest load) wins per appointment.
    select
        *,
        row_number() over (
            partition by appointment_key
            order by _extract_date desc, _raw_id desc
        ) as extract_rank
    from source

),

renamed as (

    select
        appointment_key,
        patient_key,
        facility_id,
        department_id,
        department_name,
        provider_id,
        provider_name,
        visit_type,
        is_new_patient,
        booked_at,
        slot_start_at,
        slot_end_at,
        status as appointment_status,
        status_changed_at,
        cancelled_at,
        cancel_reason,
        cancel_initiator,
        checked_in_at,
        _extract_date as extract_date,
        _raw_id as raw_id
    from ranked
    where extract_rank = 1

)

select * from renamed
