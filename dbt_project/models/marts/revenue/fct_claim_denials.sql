-- Denial adjustments (835 CAS with group CO/PI and a denial CARC category from seed carc_groups).
with

adjustments as (

    select * from {{ ref('stg_billing__remit_adjustments') }}

),

remits as (

    select * from {{ ref('int_remits_ranked') }}

),

carc_groups as (

    select * from {{ ref('carc_groups') }}

),

final as (

    select
        adjustments.remit_adjustment_id,
        adjustments.account_key,
        remits.facility_id,
        remits.payer_id,
        carc_groups.carc_group,
        adjustments.adjustment_group_code as group_code,
        adjustments.adjustment_reason_code as reason_code,
        cast(adjustments.adjustment_amount as decimal(14, 2)) as denied_amount,
        remits.payment_date,
        remits.claim_status_code,
        remits.remit_sequence = 1 as is_initial_remit
    from adjustments
    inner join remits
        on adjustments.remit_id = remits.remit_id
    inner join carc_groups
        on adjustments.adjustment_reason_code = carc_groups.reason_code
    where
        adjustments.adjustment_group_code in ('CO', 'PI')
        and carc_groups.carc_group like 'denial_%'

)

select * from final
