with

source as (

    select * from {{ source('billing', 'remit_adjustments') }}

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
