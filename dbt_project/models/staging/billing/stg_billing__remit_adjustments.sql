-- An incremental table, unlike most staging views: one row per source row, and each run appends the
-- rows loaded since the last (the revenue marts and tests read these md5 keys many times a build).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with

source as (

    select * from {{ source('billing', 'remit_adjustments') }}
    {% if is_incremental() %}
        where {{ loaded_after_last_build() }}
    {% endif %}

),

renamed as (

    select
        {{ surrogate_key(['interchange_control_number', 'clp_sequence', 'adjustment_sequence']) }}
            as remit_adjustment_id,
        {{ surrogate_key(['interchange_control_number', 'clp_sequence']) }} as remit_id,
        account_key,
        interchange_control_number,
        clp_sequence,
        adjustment_sequence,
        level as adjustment_level,
        group_code as adjustment_group_code,
        reason_code as adjustment_reason_code,
        amount as adjustment_amount,
        _extract_date as extract_date,
        _raw_id as raw_id
    from source

)

select * from renamed
