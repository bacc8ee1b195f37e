-- Hourly census (kpis.md "Hourly occupancy"): a stay occupies hour h when started_at <= h < stay_end_at.
-- Each stay is expanded into the hours it covers (O(occupied bed-hours)) and counted per unit-hour;
-- the unit x hour spine only carries the zero rows (no join of all stays with all hours).
with

stays as (

    select * from {{ ref('int_location_stays_built') }}

),

units as (

    select * from {{ ref('int_units_deduplicated') }}

),

unit_days as (

    select * from {{ ref('int_unit_days_staffed') }}

),

bounds as (

    select
        min({{ dbt.date_trunc('hour', 'started_at') }}) as first_hour,
        max(stay_end_at) as end_at
    from stays

),

hours as (

    {{ timestamp_series('bounds', 'first_hour', 'end_at', "'1 hour'", 'census_hour') }}

),

unit_hours as (

    select
        units.facility_id,
        units.unit_id,
        units.unit_type,
        hours.census_hour
    from units
    cross join hours

),

stay_hours as (

    -- each stay fans out into the hours it occupies: the first whole hour at or after started_at
    -- up to (excluding) stay_end_at, so the cost is the occupied bed-hours, not stays x hours
    select
        facility_id,
        unit_id,
        is_boarder,
        {{ timestamp_range_rows(
            "case when started_at = " ~ dbt.date_trunc('hour', 'started_at')
            ~ " then started_at else " ~ dbt.dateadd('hour', 1, dbt.date_trunc('hour', 'started_at'))
            ~ " end",
            'stay_end_at',
            "'1 hour'"
        ) }} as census_hour
    from stays

),

occupancy as (

    select
        facility_id,
        unit_id,
        census_hour,
        count(*) as occupied_beds,
        sum(case when is_boarder then 1 else 0 end) as boarders
    from stay_hours
    group by facility_id, unit_id, census_hour

),

movements_in as (

    select
        facility_id,
        unit_id,
        {{ dbt.date_trunc('hour', 'started_at') }} as census_hour,
        sum(case when start_trigger_event in ('A01', 'A06') then 1 else 0 end) as admissions,
        sum(case when start_trigger_event = 'A02' then 1 else 0 end) as transfers_in
    from stays
    group by facility_id, unit_id, {{ dbt.date_trunc('hour', 'started_at') }}

),

movements_out as (

    select
        facility_id,
        unit_id,
        {{ dbt.date_trunc('hour', 'ended_at') }} as census_hour,
        sum(case when end_trigger_event = 'A03' then 1 else 0 end) as discharges,
        sum(case when end_trigger_event = 'A02' then 1 else 0 end) as transfers_out
    from stays
    where ended_at is not null
    group by facility_id, unit_id, {{ dbt.date_trunc('hour', 'ended_at') }}

),

final as (

    select
        unit_hours.facility_id,
        unit_hours.unit_id,
        unit_hours.unit_type,
        unit_hours.census_hour,
        {{ dbt.cast('unit_hours.census_hour', api.Column.translate_type('date')) }} as census_date,
        cast(coalesce(occupancy.occupied_beds, 0) as integer) as occupied_beds,
        cast(unit_days.denominator_beds as integer) as staffed_beds,
        cast(
            coalesce(occupancy.occupied_beds, 0) * 1.0
            / nullif(unit_days.denominator_beds, 0) as double
        ) as occupancy_rate,
        cast(coalesce(movements_in.admissions, 0) as integer) as admissions,
        cast(coalesce(movements_out.discharges, 0) as integer) as discharges,
        cast(coalesce(movements_in.transfers_in, 0) as integer) as transfers_in,
        cast(coalesce(movements_out.transfers_out, 0) as integer) as transfers_out,
        cast(coalesce(occupancy.boarders, 0) as integer) as boarders
    from unit_hours
    left join occupancy
        on
            unit_hours.facility_id = occupancy.facility_id
            and unit_hours.unit_id = occupancy.unit_id
            and unit_hours.census_hour = occupancy.census_hour
    left join movements_in
        on
            unit_hours.facility_id = movements_in.facility_id
            and unit_hours.unit_id = movements_in.unit_id
            and unit_hours.census_hour = movements_in.census_hour
    left join movements_out
        on
            unit_hours.facility_id = movements_out.facility_id
            and unit_hours.unit_id = movements_out.unit_id
            and unit_hours.census_hour = movements_out.census_hour
    left join unit_days
        on
            unit_hours.facility_id = unit_days.facility_id
            and unit_hours.unit_id = unit_days.unit_id
            and {{ dbt.cast('unit_hours.census_hour', api.Column.translate_type('date')) }}
            = unit_days.census_date

)

select * from final
