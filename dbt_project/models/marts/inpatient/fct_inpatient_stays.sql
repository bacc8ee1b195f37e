-- Inpatient and observation encounters with LOS and discharge-before-noon (kpis.md "ALOS",
-- "Discharge before noon"). The discharge time is the physical departure (last non-voided A03).
{%- set same_day_los_days = 1 if var('los_same_day_counts_as_one') else 0 %}

with

encounters as (

    select * from {{ ref('int_encounters_summarized') }}

),

dispositions as (

    select * from {{ ref('discharge_dispositions') }}

),

measured as (

    select
        encounters.*,
        {{ dbt.cast('encounters.admit_at', api.Column.translate_type('date')) }} as admit_date,
        {{ dbt.cast('encounters.discharge_at', api.Column.translate_type('date')) }}
            as discharge_date,
        encounters.discharge_at is not null as is_discharged,
        coalesce(dispositions.is_expired, false) as is_expired,
        coalesce(dispositions.is_ama, false) as is_ama
    from encounters
    left join dispositions
        on encounters.discharge_disposition_code = dispositions.discharge_disposition_code
    where encounters.admit_at is not null

),

final as (

    select
        encounter_key,
        patient_key,
        account_key,
        facility_id,
        hospital_service,
        attending_provider_name,
        admit_at,
        discharge_at,
        admit_date,
        discharge_date,
        case
            when discharge_date is null then null
            -- same-day stay = 1 day (CMS/ResDAC), or 0 with var los_same_day_counts_as_one false
            when discharge_date = admit_date then {{ same_day_los_days }}
            else cast({{ dbt.datediff('admit_date', 'discharge_date', 'day') | trim }} as integer)
        end as los_days,
        cast(
            {{ dbt.datediff('admit_at', 'discharge_at', 'minute') | trim }} / 60.0 as double
        ) as los_hours,
        is_discharged,
        is_expired,
        is_ama,
        coalesce(is_discharged and not is_observation and not is_expired and not is_ama, false)
            as is_in_dbn_denominator,
        coalesce(
            is_discharged and not is_observation and not is_expired and not is_ama
            and {{ minutes_after_midnight('discharge_at') }}
            < {{ var('discharge_before_noon_hour') }} * 60,
            false
        ) as is_discharged_before_noon,
        discharge_disposition_code as discharge_disposition,
        expected_discharge_at,
        case
            when discharge_at is not null and expected_discharge_at is not null
                then {{ dbt.datediff('expected_discharge_at', 'discharge_at', 'minute') | trim }}
                    / 60.0
        end as discharge_vs_expected_hours,
        is_observation,
        has_boarded
    from measured

)

select * from final
