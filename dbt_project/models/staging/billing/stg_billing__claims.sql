-- An incremental table, unlike most staging views: one row per source row, and each run appends the
-- rows loaded since the last (the revenue marts and tests read these md5 keys many times a build).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with

source as (

    select * from {{ source('billing', 'claims') }}
    {% if is_incremental() %}
        where {{ loaded_after_last_build() }}
    {% endif %}

),

renamed as (

    select
        {{ surrogate_key(['interchange_control_number', 'account_key', 'claim_frequency_code']) }}
            as claim_submission_id,
        account_key,
        interchange_control_number,
        claim_frequency_code,
        claim_type,
        submitted_at,
        {{ dbt.cast('submitted_at', api.Column.translate_type('date')) }} as submitted_date,
        billing_npi,
        facility_id,
        payer_id,
        payer_name,
        member_key,
        total_charge_amount,
        facility_type_code,
        statement_from_date,
        statement_to_date,
        principal_diagnosis,
        line_count,
        _extract_date as extract_date,
        _raw_id as raw_id
    from source

)

select * from renamed
