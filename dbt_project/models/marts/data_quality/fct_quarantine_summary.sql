with

quarantined as (

    select * from {{ ref('stg_dq__quarantined_records') }}

),

final as (

    select
        {{ surrogate_key(['feed', 'table_name', 'quarantine_reason']) }} as quarantine_summary_id,
        feed,
        table_name,
        quarantine_reason as reason,
        cast(count(*) as bigint) as rows,
        max(quarantined_at) as last_seen_at
    from quarantined
    group by feed, table_name, quarantine_reason

)

select * from final
