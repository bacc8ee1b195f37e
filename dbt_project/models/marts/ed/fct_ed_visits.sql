-- ED throughput (kpis.md): EDBA intervals, OP-18 eligibility, ED-2 boarding, LWBS and the ECAT
-- (CMS1244v1) components. Thresholds are vars: ecat_room_wait_minutes, ecat_boarding_hours,
-- ecat_ed_los_hours.
-- Incremental per ED visit: a row depends only on the visit's latest extract row.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='ed_visit_key',
    on_schema_change='fail',
) }}

with

ed_visits as (

    select * from {{ ref('stg_ehr__ed_visits') }}
    {% if is_incremental() %}
        where ed_visit_key in (
            {{ keys_with_new_rows(ref('stg_ehr__ed_visits'), 'ed_visit_key') }}
        )
    {% endif %}

),

intervals as (

    select
        *,
        {{ minutes_between('arrival_at', 'triage_at') }}
            as door_to_triage_minutes,
        {{ minutes_between('arrival_at', 'roomed_at') }}
            as door_to_room_minutes,
        {{ minutes_between('arrival_at', 'first_provider_at') }}
            as door_to_provider_minutes,
        {{ minutes_between('arrival_at', 'departure_at') }}
            as ed_los_minutes,
        case
            when ed_disposition = 'admitted'
                then {{ minutes_between('decision_to_admit_at', 'departure_at') }}
        end as boarding_minutes,
        -- Left before provider evaluation: LWBS, or left AMA before any provider contact.
        (
            ed_disposition = 'lwbs'
            or (ed_disposition = 'ama' and first_provider_at is null)
        ) as is_left_without_evaluation
    from ed_visits

),

final as (

    select
        ed_visit_key,
        encounter_key,
        patient_key,
        facility_id,
        arrival_at,
        {{ dbt.cast('arrival_at', api.Column.translate_type('date')) }} as arrival_date,
        cast(
            {{ dbt.datediff(dbt.date_trunc('day', 'arrival_at'), 'arrival_at', 'hour') | trim }}
            as integer
        ) as arrival_hour,
        {{ weekday_name('arrival_at') }} as arrival_weekday,
        esi_level,
        arrival_mode,
        ed_disposition as disposition,
        provider_name,
        triage_at,
        roomed_at,
        first_provider_at,
        decision_to_admit_at,
        departure_at,
        cast(door_to_triage_minutes as integer) as door_to_triage_minutes,
        cast(door_to_room_minutes as integer) as door_to_room_minutes,
        cast(door_to_provider_minutes as integer) as door_to_provider_minutes,
        cast(ed_los_minutes as integer) as ed_los_minutes,
        cast(boarding_minutes as integer) as boarding_minutes,
        ed_disposition = 'lwbs' as is_lwbs,
        -- CMS OP-18 / CMS32: ED patients not admitted; excludes expired, AMA, undocumented departure.
        (
            ed_disposition not in ('admitted', 'expired', 'ama')
            and departure_at is not null
        ) as is_op18_eligible,
        coalesce(door_to_room_minutes > {{ var('ecat_room_wait_minutes') }}, false)
            as is_ecat_room_wait,
        is_left_without_evaluation as is_ecat_left_without_evaluation,
        coalesce(boarding_minutes > {{ var('ecat_boarding_hours') }} * 60, false)
            as is_ecat_boarding,
        coalesce(ed_los_minutes > {{ var('ecat_ed_los_hours') }} * 60, false) as is_ecat_ed_los,
        (
            coalesce(door_to_room_minutes > {{ var('ecat_room_wait_minutes') }}, false)
            or is_left_without_evaluation
            or coalesce(boarding_minutes > {{ var('ecat_boarding_hours') }} * 60, false)
            or coalesce(ed_los_minutes > {{ var('ecat_ed_los_hours') }} * 60, false)
        ) as is_ecat_numerator,
        raw_id
    from intervals

)

select * from final
