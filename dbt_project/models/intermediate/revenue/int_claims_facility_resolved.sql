-- Claim submissions with the facility their billing NPI (837 loop 2010AA) belongs to.
-- The seed billing_npi_facilities (filled by the hospital) wins; else the facility the reader found
-- (REF*G2 when the sender adds one, else the NPI itself).
with

claims as (

    select * from {{ ref('stg_billing__claims') }}

),

billing_npi_facilities as (

    select * from {{ ref('billing_npi_facilities') }}

),

final as (

    select
        claims.claim_submission_id,
        claims.account_key,
        claims.interchange_control_number,
        claims.claim_frequency_code,
        claims.claim_type,
        claims.submitted_at,
        claims.submitted_date,
        claims.billing_npi,
        claims.payer_id,
        claims.payer_name,
        claims.member_key,
        claims.total_charge_amount,
        claims.facility_type_code,
        claims.statement_from_date,
        claims.statement_to_date,
        claims.principal_diagnosis,
        claims.line_count,
        claims.extract_date,
        claims.raw_id,
        coalesce(billing_npi_facilities.facility_id, claims.facility_id) as facility_id
    from claims
    left join billing_npi_facilities
        on claims.billing_npi = billing_npi_facilities.npi

)

select * from final
