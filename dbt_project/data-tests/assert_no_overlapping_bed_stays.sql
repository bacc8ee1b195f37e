-- Ops DQ (input-formats.md feature 11): two encounters must not occupy the same bed at the same time.
-- Of two overlapping stays, the later-starting one starts before some earlier stay of its bed has
-- ended; a running max over the bed's stays finds those, and only they are joined back (the pair
-- join over every stay of a bed was the slowest node of the build).
{{ config(severity='warn') }}

with

stays as (

    select * from {{ ref('fct_location_stays') }}

),

stays_ordered as (

    select
        *,
        max(stay_end_at) over (
            partition by facility_id, bed_id
            order by started_at
            rows between unbounded preceding and 1 preceding
        ) as earlier_stays_end_at
    from stays

),

late_starters as (

    select * from stays_ordered
    where earlier_stays_end_at > started_at

),

overlapping_pairs as (

    select
        first_stay.location_stay_id,
        second_stay.location_stay_id as overlapping_stay_id
    from late_starters as first_stay
    inner join stays as second_stay
        on
            first_stay.facility_id = second_stay.facility_id
            and first_stay.bed_id = second_stay.bed_id
            and first_stay.encounter_key < second_stay.encounter_key
            and first_stay.started_at < second_stay.stay_end_at
            and first_stay.stay_end_at > second_stay.started_at

    union

    select
        first_stay.location_stay_id,
        second_stay.location_stay_id as overlapping_stay_id
    from stays as first_stay
    inner join late_starters as second_stay
        on
            first_stay.facility_id = second_stay.facility_id
            and first_stay.bed_id = second_stay.bed_id
            and first_stay.encounter_key < second_stay.encounter_key
            and first_stay.started_at < second_stay.stay_end_at
            and first_stay.stay_end_at > second_stay.started_at

)

select * from overlapping_pairs
