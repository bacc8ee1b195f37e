-- Bed counts per unit per day from the latest bed_master snapshot on or before that day (SCD by snapshot):
-- each snapshot is valid until the next one of the same unit; the last one stays valid to the data end.
with

bed_snapshots as (

    select * from {{ ref('stg_ehr__bed_snapshots') }}

),

stays as (

    select * from {{ ref('int_location_stays_built') }}

),

unit_snapshots as (

    select
        facility_id,
        unit_id,
        snapshot_date,
        sum(case when is_bed_staffed then 1 else 0 end) as staffed_beds,
        sum(case when is_bed_licensed then 1 else 0 end) as licensed_beds,
        count(*) as physical_beds
    from bed_snapshots
    group by facility_id, unit_id, snapshot_date

),

unit_snapshot_validity as (

    select
        *,
        lead(snapshot_date) over (
            partition by facility_id, unit_id order by snapshot_date
        ) as valid_to_date
    from unit_snapshots

),

bounds as (

    select
        {{ dbt.cast('min(snapshot_date)', api.Column.translate_type('timestamp')) }} as first_at,
        {{ dbt.cast(
            dbt.dateadd('day', 1, 'greatest(max(snapshot_date), (select max(stay_end_at) from stays))'),
            api.Column.translate_type('timestamp')
        ) }} as end_at
    from unit_snapshots

),

day_spine as (

    select {{ dbt.cast('day_at', api.Column.translate_type('date')) }} as census_date
    from ({{ timestamp_series('bounds', 'first_at', 'end_at', "'1 day'", 'day_at') }}) as day_series

),

final as (

    select
        unit_snapshot_validity.facility_id,
        unit_snapshot_validity.unit_id,
        day_spine.census_date,
        unit_snapshot_validity.snapshot_date,
        unit_snapshot_validity.staffed_beds,
        unit_snapshot_validity.licensed_beds,
        unit_snapshot_validity.physical_beds,
        case '{{ var("census_bed_denominator") }}'
            when 'licensed' then unit_snapshot_validity.licensed_beds
            when 'physical' then unit_snapshot_validity.physical_beds
            else unit_snapshot_validity.staffed_beds
        end as denominator_beds
    from unit_snapshot_validity
    inner join day_spine
        on
            unit_snapshot_validity.snapshot_date <= day_spine.census_date
            and (
                unit_snapshot_validity.valid_to_date is null
                or unit_snapshot_validity.valid_to_date > day_spine.census_date
            )

)

select * from final
