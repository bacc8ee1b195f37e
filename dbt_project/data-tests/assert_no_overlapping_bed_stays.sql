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

    -- Each pair once, the stay of the lower encounter key first, whichever of the two started later.
    select distinct
        case
            when late.encounter_key < other.encounter_key then late.location_stay_id
            else other.location_stay_id
        end as location_stay_id,
        case
            when late.encounter_key < other.encounter_key then other.location_stay_id
            else late.location_stay_id
        end as overlapping_stay_id
    from late_starters as late
    inner join stays as other
        on
            late.facility_id = other.facility_id
            and late.bed_id = other.bed_id
            and late.encounter_key != other.encounter_key
            and late.started_at < other.stay_end_at
            and late.stay_end_at > other.started_at

)

select * from overlapping_pairs
