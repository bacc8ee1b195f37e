with

source as (

    select * from {{ source('ehr', 'patients') }}

),

ranked as (

    -- Snapshot feed: the row from the latest extract (then the latest load) wins per patient.
    select
        *,
        row_number() over (
            partition by patient_key
            order by _extract_date desc, _raw_id desc
        ) as extract_rank
    from source

),

renamed as (

    select
        patient_key,
        member_key,
        payer_id,
        birth_year as patient_birth_year,
        is_age_90_plus as is_patient_age_90_plus,
        sex as patient_sex,
        state as patient_state,
        zip as patient_zip3,
        _extract_date as extract_date,
        _raw_id as raw_id
    from ranked
    where extract_rank = 1

)

select * from renamed
