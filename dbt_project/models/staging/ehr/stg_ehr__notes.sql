with

source as (

    select * from {{ source('ehr', 'notes') }}

),

renamed as (

    select
        note_id,
        encounter_key,
        patient_key,
        facility_id,
        note_type,
        written_at,
        note_text,
        _extract_date as extract_date,
        _raw_id as raw_id
    from source

)

select * from renamed
