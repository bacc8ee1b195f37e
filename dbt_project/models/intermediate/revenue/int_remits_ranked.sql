-- Claim payments with their order per account and their denial signals: a remit is a denial when the
-- claim status is 4 (denied) or nothing was paid and a CO/PI adjustment carries a denial CARC
-- (seed carc_groups, category denial_*).
with

remits as (

    select * from {{ ref('int_remits_facility_resolved') }}

),

adjustments as (

    select * from {{ ref('stg_billing__remit_adjustments') }}

),

carc_groups as (

    select * from {{ ref('carc_groups') }}

),

denial_adjustments as (

    select
        adjustments.remit_id,
        count(*) as denial_adjustments,
        sum(adjustments.adjustment_amount) as denied_amount
    from adjustments
    inner join carc_groups
        on adjustments.adjustment_reason_code = carc_groups.reason_code
    where
        adjustments.adjustment_group_code in ('CO', 'PI')
        and carc_groups.carc_group like 'denial_%'
    group by adjustments.remit_id

),

final as (

    select
        remits.*,
        row_number() over (
            partition by remits.account_key
            order by remits.payment_date, remits.interchange_control_number, remits.clp_sequence
        ) as remit_sequence,
        coalesce(denial_adjustments.denial_adjustments, 0) as denial_adjustments,
        coalesce(denial_adjustments.denied_amount, 0) as denied_amount,
        (
            remits.claim_status_code = '4'
            or (remits.paid_amount = 0 and denial_adjustments.remit_id is not null)
        ) as is_denied
    from remits
    left join denial_adjustments
        on remits.remit_id = denial_adjustments.remit_id

)

select * from final
