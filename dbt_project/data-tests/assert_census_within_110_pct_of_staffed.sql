-- Ops DQ (input-formats.md feature 11): hourly census above 110% of staffed beds is implausible.
{{ config(severity='warn') }}

select
    facility_id,
    unit_id,
    census_hour,
    occupied_beds,
    staffed_beds
from {{ ref('fct_bed_census_hourly') }}
where occupied_beds > 1.1 * staffed_beds
