with

source as (

    select * from {{ source('dq', 'quarantine') }}

),

renamed as (

    select
        {{ surrogate_key(['file_path', 'table_name', 'source_line', 'reason']) }}
            as quarantined_record_id,
        file_path,
        feed,
        table_name,
        source_line,
        reason as quarantine_reason,
        quarantined_at
    from source

)

select * from renamed
