with

source as (

    select * from {{ source('billing', 'claim_lines') }}

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
