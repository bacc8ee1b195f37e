-- Location stays from the non-voided movement events of each encounter, ordered by effective time:
-- admit / register / transfer / class change (A01, A04, A02, A06, A07) open a stay in the event's bed;
-- the next movement event (or the discharge A03) closes it. A class change in the same bed opens a new
-- stay, so an ED patient turned inpatient becomes a boarder from that moment. Open stays have a null
-- ended_at and are counted until the data's max effective time (stay_end_at).
with

adt_events as (

    select * from {{ ref('int_adt_events_voided') }}

),

units as (

    select * from {{ ref('int_units_deduplicated') }}

),

movements as (

    select
        adt_event_id,
        encounter_key,
        patient_key,
        facility_id,
        trigger_event,
        patient_class,
        is_observation,
        unit_id,
        room_id,
        bed_id,
        effective_at,
        lead(effective_at) over (
            partition by encounter_key
            order by effective_at, recorded_at, raw_id
        ) as next_effective_at,
        lead(trigger_event) over (
            partition by encounter_key
            order by effective_at, recorded_at, raw_id
        ) as next_trigger_event
    from adt_events
    where
        not is_voided
        and trigger_event in ('A01', 'A02', 'A03', 'A04', 'A06', 'A07')

),

data_bounds as (

    select max(effective_at) as data_max_at
    from adt_events
    where not is_voided

),

final as (

    select
        movements.encounter_key || '-' || movements.adt_event_id as location_stay_id,
        movements.adt_event_id as start_event_id,
        movements.encounter_key,
        movements.patient_key,
        movements.facility_id,
        movements.unit_id,
        units.unit_type,
        movements.room_id,
        movements.bed_id,
        movements.patient_class,
        movements.is_observation,
        movements.trigger_event as start_trigger_event,
        movements.next_trigger_event as end_trigger_event,
        movements.effective_at as started_at,
        movements.next_effective_at as ended_at,
        coalesce(movements.next_effective_at, data_bounds.data_max_at) as stay_end_at,
        movements.next_effective_at is null as is_open,
        coalesce(movements.patient_class = 'I' and units.is_ed_unit, false) as is_boarder
    from movements
    cross join data_bounds
    left join units
        on
            movements.facility_id = units.facility_id
            and movements.unit_id = units.unit_id
    where
        movements.trigger_event != 'A03'
        and movements.unit_id is not null
        and (
            movements.next_effective_at is null
            or movements.next_effective_at > movements.effective_at
        )

)

select
    *,
    round({{ dbt.datediff('started_at', 'stay_end_at', 'minute') | trim }} / 60.0, 2)
        as stay_hours
from final
