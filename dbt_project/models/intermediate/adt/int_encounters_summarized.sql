-- Encounter attributes from the non-voided ADT events: the latest non-null value wins, so A08 updates
-- (service, expected discharge, attending) apply; admission = first inpatient/observation stay start;
-- discharge = the last non-voided A03 (the physical departure, kpis.md "Discharge before noon").
-- Incremental per encounter: a run rebuilds the encounters with a new message and those whose stays
-- now summarize differently (int_location_stays_built rebuilt them, e.g. a unit became an ED).
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='encounter_key',
    on_schema_change='fail',
    post_hook="{{ delete_placeholders() }}",
) }}

with

stays as (

    select * from {{ ref('int_location_stays_built') }}

),

admissions as (

    select
        encounter_key,
        min(case when patient_class = 'I' or is_observation then started_at end) as admit_at,
        min(case when patient_class = 'I' then started_at end) as inpatient_admit_at,
        max(case when patient_class = 'I' then 1 else 0 end) = 1 as has_inpatient_stay,
        max(case when is_observation then 1 else 0 end) = 1 as has_observation_stay,
        max(case when is_boarder then 1 else 0 end) = 1 as has_boarded
    from stays
    group by encounter_key

),

{% if is_incremental() %}
rebuilt_encounters as (

    {{ keys_with_new_rows(ref('int_adt_events_voided'), 'encounter_key') }}
    union
    select built.encounter_key
    from {{ this }} as built
    left join admissions
        on built.encounter_key = admissions.encounter_key
    where
        built.admit_at is distinct from admissions.admit_at
        or built.inpatient_admit_at is distinct from admissions.inpatient_admit_at
        or built.has_inpatient_stay != coalesce(admissions.has_inpatient_stay, false)
        or built.is_observation != coalesce(
            admissions.has_observation_stay and not admissions.has_inpatient_stay, false
        )
        or built.has_boarded != coalesce(admissions.has_boarded, false)

),
{% endif %}

adt_events as (

    select * from {{ ref('int_adt_events_voided') }}
    {% if is_incremental() %}
        where encounter_key in (select encounter_key from rebuilt_encounters)
    {% endif %}

),

encounter_loads as (

    select
        encounter_key,
        max(raw_id) as raw_id
    from adt_events
    group by encounter_key

),

live_events as (

    select
        *,
        row_number() over (
            partition by encounter_key
            order by effective_at desc, recorded_at desc, raw_id desc
        ) as recency_rank
    from adt_events
    where not is_voided and not is_cancel_event

),

latest_values as (

    select
        encounter_key,
        max(patient_key) as patient_key,
        max(facility_id) as facility_id,
        max(account_key) as account_key,
        -- last non-null value by effective time (A08 corrections apply)
        max(case when hospital_service_rank = 1 then hospital_service end) as hospital_service,
        max(case when expected_discharge_rank = 1 then expected_discharge_at end)
            as expected_discharge_at,
        max(case when attending_rank = 1 then attending_provider_name end)
            as attending_provider_name,
        max(case when recency_rank = 1 then patient_class end) as latest_patient_class
    from (
        select
            *,
            case when hospital_service is not null then row_number() over (
                        partition by encounter_key, hospital_service is not null
                        order by effective_at desc, recorded_at desc, raw_id desc
                    )
            end as hospital_service_rank,
            case when expected_discharge_at is not null then row_number() over (
                        partition by encounter_key, expected_discharge_at is not null
                        order by effective_at desc, recorded_at desc, raw_id desc
                    )
            end as expected_discharge_rank,
            case when attending_provider_name is not null then row_number() over (
                        partition by encounter_key, attending_provider_name is not null
                        order by effective_at desc, recorded_at desc, raw_id desc
                    )
            end as attending_rank
        from live_events
    ) as ranked_values
    group by encounter_key

),

discharges as (

    select
        encounter_key,
        effective_at as discharge_at,
        discharge_disposition_code
    from (
        select
            *,
            row_number() over (
                partition by encounter_key
                order by effective_at desc, recorded_at desc, raw_id desc
            ) as discharge_rank
        from live_events
        where trigger_event = 'A03'
    ) as ranked_discharges
    where discharge_rank = 1

),

final as (

    select
        latest_values.encounter_key,
        latest_values.patient_key,
        latest_values.account_key,
        latest_values.facility_id,
        latest_values.hospital_service,
        latest_values.attending_provider_name,
        latest_values.latest_patient_class,
        latest_values.expected_discharge_at,
        admissions.admit_at,
        admissions.inpatient_admit_at,
        coalesce(admissions.has_inpatient_stay, false) as has_inpatient_stay,
        coalesce(admissions.has_observation_stay and not admissions.has_inpatient_stay, false)
            as is_observation,
        coalesce(admissions.has_boarded, false) as has_boarded,
        discharges.discharge_at,
        discharges.discharge_disposition_code,
        -- load number of the encounter's latest message: the incremental watermark
        encounter_loads.raw_id
    from latest_values
    inner join encounter_loads
        on latest_values.encounter_key = encounter_loads.encounter_key
    left join admissions
        on latest_values.encounter_key = admissions.encounter_key
    left join discharges
        on latest_values.encounter_key = discharges.encounter_key

)

select * from final
{% if is_incremental() %}
    {{ placeholders_for_keys_without_rows('rebuilt_encounters', 'final', 'encounter_key') }}
{% endif %}
