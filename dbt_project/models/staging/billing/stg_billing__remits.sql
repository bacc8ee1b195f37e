-- An incremental table, unlike most staging views: one row per source row, and each run appends the
-- rows loaded since the last (the revenue marts and tests read these md5 keys many times a build).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with

source as (

    select * from {{ source('billing', 'remits') }}
    {% if is_incremental() %}
        where {{ loaded_after_last_build() }}
    {% endif %}

),

renamed as (

    select
        {{ surrogate_key(['interchange_control_number', 'clp_sequence']) }} as remit_id,
        account_key,
        interchange_control_number,
        clp_sequence,
        check_number,
        payment_date,
        payer_id,
        payer_name,
        payee_npi,
        facility_id,
        claim_status_code,
        total_charge_amount,
        paid_amount,
        patient_responsibility_amount,
        payer_claim_control_number,
        member_key,
        _extract_date as extract_date,
        _raw_id as raw_id
    from source

)

select * from renamed
