-- Access and no-show mart (kpis.md "No-show rate", "Same-day cancellation rate", "Appointment lead time").
-- Incremental per appointment: a row depends only on its appointment's latest extract row.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='appointment_key',
    on_schema_change='fail',
) }}

with

appointments as (

    select * from {{ ref('stg_scheduling__appointments') }}
    {% if is_incremental() %}
        where appointment_key in (
            {{ keys_with_new_rows(ref('stg_scheduling__appointments'), 'appointment_key') }}
        )
    {% endif %}

),

statuses as (

    select * from {{ ref('appointment_statuses') }}

),

measured as (

    select
        appointments.*,
        statuses.fhir_status,
        statuses.is_no_show,
        statuses.is_cancelled,
        statuses.is_in_no_show_denominator,
        {{ dbt.cast('appointments.slot_start_at', api.Column.translate_type('date')) }}
            as appointment_date,
        cast({{ dbt.datediff(
            dbt.cast('appointments.booked_at', api.Column.translate_type('date')),
            dbt.cast('appointments.slot_start_at', api.Column.translate_type('date')),
            'day'
        ) }} as integer) as lead_time_days
    from appointments
    inner join statuses
        on appointments.appointment_status = statuses.appointment_status

),

final as (

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
        appointment_date,
        {{ weekday_name('appointment_date') }} as appointment_weekday,
        slot_start_at,
        slot_end_at,
        booked_at,
        lead_time_days,
        {{ lead_time_band('lead_time_days') }} as lead_time_band,
        appointment_status as status,
        fhir_status,
        cancelled_at,
        cancel_reason,
        cancel_initiator,
        is_no_show,
        is_in_no_show_denominator,
        is_cancelled,
        -- late cancel: cancelled less than var late_cancel_window_hours before the slot (or after it)
        coalesce(
            is_cancelled
            and cancelled_at
            > {{ dbt.dateadd('hour', -1 * var('late_cancel_window_hours'), 'slot_start_at') }},
            false
        ) as is_late_cancel,
        coalesce(
            is_cancelled
            and appointment_date
            = {{ dbt.cast('cancelled_at', api.Column.translate_type('date')) }},
            false
        ) as is_same_day_cancel,
        raw_id
    from measured

)

select * from final
