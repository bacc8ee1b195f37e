with

source as (

    select * from {{ source('dq', 'ingest_ledger') }}

),

renamed as (

    select
        file_path,
        feed,
        -- Parsed from <FACILITY>_<YYYY-MM-DD> in the file name at ingest (pipelines/lib/ingest.py).
        facility_id,
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
