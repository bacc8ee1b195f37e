-- Claim payments with the facility their payee NPI (835 N1*PE) belongs to.
-- The seed billing_npi_facilities (filled by the hospital) wins; else the facility the reader found
-- (REF*G2 when the sender adds one, else the NPI itself).
with

remits as (

    select * from {{ ref('stg_billing__remits') }}

),

billing_npi_facilities as (

    select * from {{ ref('billing_npi_facilities') }}

),

final as (

    select
        remits.remit_id,
        remits.account_key,
        remits.interchange_control_number,
        remits.clp_sequence,
        remits.check_number,
        remits.payment_date,
        remits.payer_id,
        remits.payer_name,
        remits.payee_npi,
        remits.claim_status_code,
        remits.total_charge_amount,
        remits.paid_amount,
        remits.patient_responsibility_amount,
        remits.payer_claim_control_number,
        remits.member_key,
        remits.extract_date,
        remits.raw_id,
        coalesce(billing_npi_facilities.facility_id, remits.facility_id) as facility_id
    from remits
    left join billing_npi_facilities
        on remits.payee_npi = billing_npi_facilities.npi

)

select * from final
