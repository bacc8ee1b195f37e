-- Net days in A/R and DNFB per facility and A/R snapshot (HFMA MAP Keys), see the model meta for the
-- formula and its proxy for net patient service revenue.
with

ar_snapshots as (

    select * from {{ ref('stg_billing__ar_snapshots') }}

),

remits as (

    select * from {{ ref('int_remits_facility_resolved') }}

),

facility_snapshots as (

    select
        facility_id,
        snapshot_date,
        count(*) as open_accounts,
        sum(balance_amount) as net_ar_amount,
        sum(
            case
                when discharge_date is not null and not is_final_billed
                    then coalesce(total_charge_amount, balance_amount)
                else 0
            end
        ) as dnfb_amount,
        sum(case when discharge_date is not null and not is_final_billed then 1 else 0 end)
            as dnfb_accounts
    from ar_snapshots
    group by facility_id, snapshot_date

),

window_balances as (

    -- open balances of accounts discharged inside the trailing window (revenue earned, not yet paid)
    select
        facility_id,
        snapshot_date,
        sum(balance_amount) as window_open_balance_amount
    from ar_snapshots
    where
        discharge_date
        > {{ dbt.dateadd('day', -1 * var('ar_revenue_window_days'), 'snapshot_date') }}
        and discharge_date <= snapshot_date
    group by facility_id, snapshot_date

),

window_payments as (

    select
        facility_snapshots.facility_id,
        facility_snapshots.snapshot_date,
        sum(remits.paid_amount) as window_paid_amount
    from facility_snapshots
    inner join remits
        on
            facility_snapshots.facility_id = remits.facility_id
            and remits.payment_date > {{ dbt.dateadd(
                'day', -1 * var('ar_revenue_window_days'), 'facility_snapshots.snapshot_date'
            ) }}
            and facility_snapshots.snapshot_date >= remits.payment_date
    group by facility_snapshots.facility_id, facility_snapshots.snapshot_date

),

combined as (

    select
        facility_snapshots.*,
        coalesce(window_payments.window_paid_amount, 0) as window_paid_amount,
        coalesce(window_balances.window_open_balance_amount, 0) as window_open_balance_amount,
        (
            coalesce(window_payments.window_paid_amount, 0)
            + coalesce(window_balances.window_open_balance_amount, 0)
        ) / {{ var('ar_revenue_window_days') }}.0 as avg_daily_revenue_amount
    from facility_snapshots
    left join window_payments
        on
            facility_snapshots.facility_id = window_payments.facility_id
            and facility_snapshots.snapshot_date = window_payments.snapshot_date
    left join window_balances
        on
            facility_snapshots.facility_id = window_balances.facility_id
            and facility_snapshots.snapshot_date = window_balances.snapshot_date

),

final as (

    select
        facility_id || '-' || {{ dbt.cast('snapshot_date', dbt.type_string()) }} as ar_snapshot_key,
        facility_id,
        snapshot_date,
        cast(open_accounts as integer) as open_accounts,
        cast(net_ar_amount as decimal(14, 2)) as net_ar_amount,
        cast(window_paid_amount as decimal(14, 2)) as window_paid_amount,
        cast(window_open_balance_amount as decimal(14, 2)) as window_open_balance_amount,
        cast(avg_daily_revenue_amount as decimal(14, 2)) as avg_daily_revenue_amount,
        cast(round(net_ar_amount / nullif(avg_daily_revenue_amount, 0), 2) as double) as days_in_ar,
        cast(dnfb_amount as decimal(14, 2)) as dnfb_amount,
        cast(dnfb_accounts as integer) as dnfb_accounts
    from combined

)

select * from final
