-- Revenue cycle per claim (hospital account): clean claim (HFMA CL-1, proxy from 837/835) and initial
-- denial from the first remit (HFMA AR-5 / Claim Integrity Task Force 2020).
with

claims as (

    select * from {{ ref('int_claims_facility_resolved') }}

),

remits as (

    select * from {{ ref('int_remits_ranked') }}

),

submissions as (

    select
        *,
        row_number() over (
            partition by account_key
            order by submitted_at, interchange_control_number, claim_frequency_code
        ) as submission_sequence,
        count(*) over (partition by account_key) as submissions
    from claims

),

first_submissions as (

    select
        account_key,
        facility_id,
        payer_id,
        claim_type,
        submitted_date,
        total_charge_amount,
        submissions,
        claim_frequency_code
    from submissions
    where submission_sequence = 1

),

replacements as (

    select
        account_key,
        max(case when claim_frequency_code in ('7', '8') then 1 else 0 end) = 1 as has_replacement
    from claims
    group by account_key

),

remit_totals as (

    select
        account_key,
        count(*) as remits,
        sum(paid_amount) as paid_amount,
        min(payment_date) as first_payment_date,
        max(case when remit_sequence = 1 then claim_status_code end) as first_remit_status,
        max(case when remit_sequence = 1 and is_denied then 1 else 0 end) = 1
            as is_initially_denied,
        max(case when is_denied then 1 else 0 end) = 1 as has_any_denial
    from remits
    group by account_key

),

final as (

    select
        first_submissions.account_key,
        first_submissions.facility_id,
        first_submissions.payer_id,
        first_submissions.claim_type,
        first_submissions.submitted_date,
        cast(first_submissions.total_charge_amount as decimal(14, 2)) as total_charge_amount,
        cast(coalesce(remit_totals.paid_amount, 0) as decimal(14, 2)) as paid_amount,
        cast(first_submissions.submissions as integer) as submissions,
        remit_totals.first_payment_date,
        remit_totals.first_remit_status,
        remit_totals.account_key is not null as is_remitted,
        coalesce(remit_totals.is_initially_denied, false) as is_initially_denied,
        coalesce(
            remit_totals.account_key is not null
            and first_submissions.claim_frequency_code = '1'
            and not replacements.has_replacement
            and remit_totals.first_remit_status in ('1', '2', '3')
            and not remit_totals.has_any_denial,
            false
        ) as is_clean_claim
    from first_submissions
    left join replacements
        on first_submissions.account_key = replacements.account_key
    left join remit_totals
        on first_submissions.account_key = remit_totals.account_key

)

select * from final
