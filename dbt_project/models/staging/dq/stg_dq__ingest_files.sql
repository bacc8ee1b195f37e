with

source as (

    select * from {{ source('dq', 'ingest_ledger') }}

),

renamed as (

    select
        file_path,
        feed,
        -- Landing layout <feed>/<FACILITY>_<YYYY-MM-DD>.<ext> (docs/architecture.md).
        {{ dbt.split_part(dbt.split_part('file_path', "'/'", -1), "'_'", 1) }} as facility_id,
        sha256 as file_sha256,
        size_bytes as file_size_bytes,
        received_at,
        extract_date,
        source_rows,
        loaded_rows,
        quarantined_rows,
        duplicate_rows,
        status as ingest_status
    from source

)

select * from renamed
