-- Incremental per encounter, like int_adt_events_voided: its rows change only with the encounter's.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='encounter_key',
    on_schema_change='fail',
) }}

with

adt_events as (

    select * from {{ ref('int_adt_events_voided') }}
    {% if is_incremental() %}
        where encounter_key in (
            {{ keys_with_new_rows(ref('int_adt_events_voided'), 'encounter_key') }}
        )
    {% endif %}

),

final as (

    select
        adt_event_id,
        encounter_key,
        patient_key,
        facility_id,
        trigger_event,
        event_type,
        effective_at,
        recorded_at,
        sent_at,
        patient_class,
        hospital_service,
        is_observation,
        unit_id,
        room_id,
        bed_id,
        prior_unit_id,
        prior_bed_id,
        discharge_disposition_code,
        is_voided,
        voided_by_event_id,
        is_cancel_event,
        is_late_arriving,
        cast(encounter_event_sequence as integer) as encounter_event_sequence,
        extract_date,
        source_file,
        source_line,
        raw_id
    from adt_events

)

select * from final
