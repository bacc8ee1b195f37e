with

source as (

    select * from {{ source('billing', 'remits') }}

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
