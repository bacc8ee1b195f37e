-- Midnight census (kpis.md, K7 ch. 4): inpatient plus observation patients in a bed at 23:59, per unit.
-- Only complete days (23:59 before the data's max time) are reported.
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
        {{ dbt.date_trunc('day', 'min(started_at)') }} as first_day,
        max(stay_end_at) as end_at
    from stays

),

census_points as (

    select
        {{ dbt.cast('census_day', api.Column.translate_type('date')) }} as census_date,
        {{ dbt.dateadd('minute', 1439, 'census_day') }} as census_at
    from (
        {{ timestamp_series('bounds', 'first_day', 'end_at', "'1 day'", 'census_day') }}
    ) as day_series
    where {{ dbt.dateadd('minute', 1439, 'census_day') }} < (select bounds.end_at from bounds)

),

unit_points as (

    select
        units.facility_id,
        units.unit_id,
        census_points.census_date,
        census_points.census_at
    from units
    cross join census_points

),

stay_census_points as (

    -- each inpatient / observation stay fans out into the 23:59 points it covers
    select
        facility_id,
        unit_id,
        started_at,
        is_observation,
        is_boarder,
        {{ timestamp_range_rows(
            dbt.dateadd('minute', 1439, dbt.date_trunc('day', 'started_at')),
            'stay_end_at',
            "'1 day'"
        ) }} as census_at
    from stays
    where patient_class = 'I' or is_observation

),

census as (

    select
        facility_id,
        unit_id,
        {{ dbt.cast('census_at', api.Column.translate_type('date')) }} as census_date,
        count(*) as midnight_census,
        sum(case when is_observation then 1 else 0 end) as observation_census,
        sum(case when is_boarder then 1 else 0 end) as boarder_census
    from stay_census_points
    where started_at <= census_at
    group by
        facility_id,
        unit_id,
        {{ dbt.cast('census_at', api.Column.translate_type('date')) }}

),

final as (

    select
        unit_points.facility_id || '-' || unit_points.unit_id || '-'
        || {{ dbt.cast('unit_points.census_date', dbt.type_string()) }} as midnight_census_id,
        unit_points.facility_id,
        unit_points.unit_id,
        unit_points.census_date,
        cast(coalesce(census.midnight_census, 0) as integer) as midnight_census,
        cast(coalesce(census.observation_census, 0) as integer) as observation_census,
        cast(coalesce(census.boarder_census, 0) as integer) as boarder_census,
        cast(unit_days.denominator_beds as integer) as staffed_beds,
        cast(
            coalesce(census.midnight_census, 0) * 1.0
            / nullif(unit_days.denominator_beds, 0) as double
        ) as occupancy_rate
    from unit_points
    left join census
        on
            unit_points.facility_id = census.facility_id
            and unit_points.unit_id = census.unit_id
            and unit_points.census_date = census.census_date
    left join unit_days
        on
            unit_points.facility_id = unit_days.facility_id
            and unit_points.unit_id = unit_days.unit_id
            and unit_points.census_date = unit_days.census_date

)

select * from final
