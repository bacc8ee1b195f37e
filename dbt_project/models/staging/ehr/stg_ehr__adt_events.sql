with

source as (

    select * from {{ source('ehr', 'adt_events') }}

),

renamed as (

    select
        message_control_id as adt_event_id,
        encounter_key,
        patient_key,
        account_key,
        facility_id,
        trigger_event,
        case trigger_event
            when 'A01' then 'admit'
            when 'A02' then 'transfer'
            when 'A03' then 'discharge'
            when 'A04' then 'register'
            when 'A05' then 'preadmit'
            when 'A06' then 'change_to_inpatient'
            when 'A07' then 'change_to_outpatient'
            when 'A08' then 'update'
            when 'A11' then 'cancel_admit'
            when 'A12' then 'cancel_transfer'
            when 'A13' then 'cancel_discharge'
        end as event_type,
        effective_at,
        recorded_at,
        sent_at,
        patient_class,
        hospital_service,
        -- Observation is sent as class O with hospital service OBS (contract adt_events.patient_class).
        coalesce(patient_class = 'O' and hospital_service = 'OBS', false) as is_observation,
        unit_id,
        room_id,
        bed_id,
        prior_unit_id,
        prior_room_id,
        prior_bed_id,
        admit_source,
        attending_provider as attending_provider_name,
        discharge_disposition as discharge_disposition_code,
        admit_at as pv1_admit_at,
        discharge_at as pv1_discharge_at,
        expected_discharge_at,
        birth_year as patient_birth_year,
        sex as patient_sex,
        zip as patient_zip3,
        _extract_date as extract_date,
        _source_file as source_file,
        _source_line as source_line,
        _raw_id as raw_id
    from source

)

select * from renamed
