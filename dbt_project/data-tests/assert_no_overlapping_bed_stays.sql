-- Ops DQ (input-formats.md feature 11): two encounters must not occupy the same bed at the same time.
{{ config(severity='warn') }}

select
    first_stay.location_stay_id,
    second_stay.location_stay_id as overlapping_stay_id
from {{ ref('fct_location_stays') }} as first_stay
inner join {{ ref('fct_location_stays') }} as second_stay
    on
        first_stay.facility_id = second_stay.facility_id
        and first_stay.bed_id = second_stay.bed_id
        and first_stay.encounter_key < second_stay.encounter_key
        and first_stay.started_at < second_stay.stay_end_at
        and first_stay.stay_end_at > second_stay.started_at
