with

source as (

    select * from {{ source('billing', 'ar_aging') }}

),

renamed as (

    select
        {{ surrogate_key(['account_key', 'snapshot_date']) }} as ar_snapshot_id,
        snapshot_date,
        account_key,
        facility_id,
        payer_id,
        discharge_date,
        is_final_billed,
        total_charge_amount,
        balance_amount,
        _extract_date as extract_date,
        _raw_id as raw_id
    from source

)

select * from renamed
