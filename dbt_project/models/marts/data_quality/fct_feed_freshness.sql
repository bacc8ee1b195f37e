with

ingest_files as (

    select * from {{ ref('stg_dq__ingest_files') }}

),

final as (

    select
        feed || '-' || facility_id as feed_facility_id,
        feed,
        facility_id,
        max(extract_date) as last_extract_date,
        max(received_at) as last_received_at,
        cast(count(*) as integer) as files,
        cast(sum(source_rows) as bigint) as source_rows,
        cast(sum(loaded_rows) as bigint) as loaded_rows,
        cast(sum(quarantined_rows) as bigint) as quarantined_rows,
        cast(sum(duplicate_rows) as bigint) as duplicate_rows
    from ingest_files
    group by feed, facility_id

)

select * from final
