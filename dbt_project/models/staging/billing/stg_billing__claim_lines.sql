-- An incremental table, unlike most staging views: one row per source row, and each run appends the
-- rows loaded since the last (the revenue marts and tests read these md5 keys many times a build).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with

source as (

    select * from {{ source('billing', 'claim_lines') }}
    {% if is_incremental() %}
        where {{ loaded_after_last_build() }}
    {% endif %}

),

renamed as (

    select
        {{ surrogate_key([
            'interchange_control_number', 'account_key', 'claim_frequency_code', 'line_number'
        ]) }} as claim_line_id,
        account_key,
        interchange_control_number,
        claim_frequency_code,
        line_number,
        revenue_code,
        procedure_code,
        line_charge_amount,
        units as service_units,
        service_date,
        _extract_date as extract_date,
        _raw_id as raw_id
    from source

)

select * from renamed
