-- Unit attributes and bed counts from the latest bed_master snapshot of each unit.
with

bed_snapshots as (

    select * from {{ ref('stg_ehr__bed_snapshots') }}

),

unit_types as (

    select * from {{ ref('unit_types') }}

),

latest_snapshot as (

    select
        facility_id,
        unit_id,
        max(snapshot_date) as snapshot_date
    from bed_snapshots
    group by facility_id, unit_id

),

final as (

    select
        bed_snapshots.facility_id,
        bed_snapshots.unit_id,
        max(bed_snapshots.facility_name) as facility_name,
        max(bed_snapshots.unit_name) as unit_name,
        max(bed_snapshots.unit_type) as unit_type,
        coalesce(max(unit_types.is_ed_unit), false) as is_ed_unit,
        max(bed_snapshots.snapshot_date) as snapshot_date,
        sum(case when bed_snapshots.is_bed_staffed then 1 else 0 end) as staffed_beds,
        sum(case when bed_snapshots.is_bed_licensed then 1 else 0 end) as licensed_beds,
        count(*) as physical_beds
    from bed_snapshots
    inner join latest_snapshot
        on
            bed_snapshots.facility_id = latest_snapshot.facility_id
            and bed_snapshots.unit_id = latest_snapshot.unit_id
            and bed_snapshots.snapshot_date = latest_snapshot.snapshot_date
    left join unit_types
        on bed_snapshots.unit_type = unit_types.unit_type
    group by bed_snapshots.facility_id, bed_snapshots.unit_id

)

select * from final
