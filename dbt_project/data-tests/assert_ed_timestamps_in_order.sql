-- Ops DQ (input-formats.md feature 11, Kahn plausibility): arrival <= triage/room/provider <= departure.
{{ config(severity='warn') }}

select
    ed_visit_key,
    arrival_at,
    first_provider_at,
    decision_to_admit_at,
    departure_at
from {{ ref('fct_ed_visits') }}
where
    first_provider_at < arrival_at
    or departure_at < arrival_at
    or departure_at < first_provider_at
    or departure_at < decision_to_admit_at
