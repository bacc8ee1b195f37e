-- Cancel events void the event they cancel (HL7 table 0003): A11 voids the latest earlier A01/A04 of
-- the encounter, A12 the latest earlier A02, A13 the latest earlier A03. "Earlier" follows the
-- effective time (late-arriving messages are placed by when they happened, not when they were sent).
-- Voiding and sequencing never look outside the encounter, so an incremental run rebuilds just the
-- encounters with new messages (a late, cancelling or correcting message rebuilds its whole encounter).
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='encounter_key',
    on_schema_change='fail',
) }}

with

adt_events as (

    select * from {{ ref('stg_ehr__adt_events') }}
    {% if is_incremental() %}
        where encounter_key in (
            {{ keys_with_new_rows(ref('stg_ehr__adt_events'), 'encounter_key') }}
        )
    {% endif %}

),

cancel_events as (

    select
        adt_event_id as cancel_event_id,
        encounter_key,
        trigger_event as cancel_trigger_event,
        effective_at as cancel_effective_at,
        recorded_at as cancel_recorded_at
    from adt_events
    where trigger_event in ('A11', 'A12', 'A13')

),

cancel_targets as (

    select
        cancel_events.cancel_event_id,
        targets.adt_event_id as voided_event_id,
        row_number() over (
            partition by cancel_events.cancel_event_id
            order by targets.effective_at desc, targets.recorded_at desc, targets.raw_id desc
        ) as target_rank
    from cancel_events
    inner join adt_events as targets
        on
            cancel_events.encounter_key = targets.encounter_key
            and cancel_events.cancel_effective_at >= targets.effective_at
            and (
                (
                    cancel_events.cancel_trigger_event = 'A11'
                    and targets.trigger_event in ('A01', 'A04')
                )
                or (cancel_events.cancel_trigger_event = 'A12' and targets.trigger_event = 'A02')
                or (cancel_events.cancel_trigger_event = 'A13' and targets.trigger_event = 'A03')
            )

),

voided as (

    select
        voided_event_id,
        min(cancel_event_id) as voided_by_event_id
    from cancel_targets
    where target_rank = 1
    group by voided_event_id

),

final as (

    select
        adt_events.*,
        voided.voided_by_event_id,
        voided.voided_event_id is not null as is_voided,
        adt_events.trigger_event in ('A11', 'A12', 'A13') as is_cancel_event,
        -- Late arrival: the message reached us in an extract later than the day after the event.
        {{ dbt.datediff(
            dbt.cast('adt_events.effective_at', api.Column.translate_type('date')),
            'adt_events.extract_date',
            'day'
        ) }} > {{ var('adt_late_arrival_days') }} as is_late_arriving,
        row_number() over (
            partition by adt_events.encounter_key
            order by adt_events.effective_at, adt_events.recorded_at, adt_events.raw_id
        ) as encounter_event_sequence
    from adt_events
    left join voided
        on adt_events.adt_event_id = voided.voided_event_id

)

select * from final
