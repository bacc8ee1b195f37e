-- Location stays from the non-voided movement events of each encounter, ordered by effective time:
-- admit / register / transfer / class change (A01, A04, A02, A06, A07) open a stay in the event's bed;
-- the next movement event (or the discharge A03) closes it. A class change in the same bed opens a new
-- stay, so an ED patient turned inpatient becomes a boarder from that moment. Open stays have a null
-- ended_at and are counted until the data's max effective time (stay_end_at).
-- Incremental per encounter: a stay depends on its encounter's events, its unit's type and ED flag,
-- and (open stays only) the data's max effective time. A run rebuilds the encounters with a new
-- message, with an open stay, or with a stay in a unit whose type or ED flag changed.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='encounter_key',
    on_schema_change='fail',
    post_hook="{{ delete_placeholders() }}",
) }}

with

all_adt_events as (

    select * from {{ ref('int_adt_events_voided') }}

),

units as (

    select * from {{ ref('int_units_deduplicated') }}

),

{% if is_incremental() %}
rebuilt_encounters as (

    {{ keys_with_new_rows(ref('int_adt_events_voided'), 'encounter_key') }}
    union
    select encounter_key from {{ this }}
    where is_open
    union
    select built.encounter_key
    from {{ this }} as built
    left join units
        on
            built.facility_id = units.facility_id
            and built.unit_id = units.unit_id
    where
        built.unit_type is distinct from units.unit_type
        or built.is_boarder
        != coalesce(built.patient_class = 'I' and units.is_ed_unit, false)

),
{% endif %}

adt_events as (

    select * from all_adt_events
    {% if is_incremental() %}
        where encounter_key in (select encounter_key from rebuilt_encounters)
    {% endif %}

),

encounter_loads as (

    select
        encounter_key,
        max(raw_id) as raw_id
    from adt_events
    group by encounter_key

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

    -- of every encounter, also in an incremental run
    select max(effective_at) as data_max_at
    from all_adt_events
    where not is_voided

),

stays as (

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

),

final as (

    select
        stays.*,
        round(
            {{ dbt.datediff('stays.started_at', 'stays.stay_end_at', 'minute') | trim }} / 60.0, 2
        ) as stay_hours,
        -- load number of the encounter's latest message: the incremental watermark
        encounter_loads.raw_id
    from stays
    inner join encounter_loads
        on stays.encounter_key = encounter_loads.encounter_key

)

select * from final
{% if is_incremental() %}
    {{ placeholders_for_keys_without_rows('rebuilt_encounters', 'final', 'encounter_key') }}
{% endif %}
