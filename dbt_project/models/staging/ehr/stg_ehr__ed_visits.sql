-- Incremental per ED visit, like stg_scheduling__appointments: only a visit with a new extract row
-- can change its winner.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='ed_visit_key',
    on_schema_change='fail',
) }}

with

source as (

    select * from {{ source('ehr', 'ed_visits') }}
    {% if is_incremental() %}
        where ed_visit_key in (
            {{ keys_with_new_rows(source('ehr', 'ed_visits'), 'ed_visit_key', '_raw_id') }}
        )
    {% endif %}

),

ranked as (

    -- Snapshot feed: the row from the latest extract (then the latest load) wins per ED visit.
    select
        *,
        row_number() over (
            partition by ed_visit_key
            order by _extract_date desc, _raw_id desc
        ) as extract_rank
    from source

),

renamed as (

    select
        ed_visit_key,
        encounter_key,
        patient_key,
        facility_id,
        arrival_at,
        triage_at,
        esi_level,
        roomed_at,
        first_provider_at,
        decision_to_admit_at,
        departure_at,
        disposition as ed_disposition,
        arrival_mode,
        chief_complaint,
        provider_name,
        _extract_date as extract_date,
        _raw_id as raw_id
    from ranked
    where extract_rank = 1

)

select * from renamed
