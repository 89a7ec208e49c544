-- funnel.sql: the funnel of docs/analysis.md ("The funnel: a ladder") in SQL
-- (DuckDB dialect). It continues stages.sql's WITH clause after its `staged`
-- step (every person's counts judged on every day a rule can change), so it
-- is run as package sql's Funnel: stages.sql up to "current AS (", then
-- this text. It expects what stages.sql expects.
--
-- A person reaches a step on the first day its own rule holds, on or after
-- the day they reached the step before; the rules are the stages' rules, with
-- discovery the entry (anyone with a fact) and first contact an action or a
-- listing. It gives funnel.parquet's rows but the conversions, which are
-- quotients of its columns.
rules AS (
    SELECT community, person, day,
        actions > 0 OR recognized AS first_contact,
        own_prs_merged + commits + co_authored_commits > 0 OR recognized AS participation,
        contribution_months_12m >= getvariable('sustained_months')::INT AS sustained,
        others_items_engaged_12m >= getvariable('networked_items')::INT AS networked,
        others_prs_merged_12m >= getvariable('leadership_merges')::INT
            OR others_items_triaged_12m >= getvariable('leadership_triaged')::INT AS leadership
    FROM judged
),
step0 AS (
    SELECT community, person, min(day) AS d0 FROM rules GROUP BY community, person
),
step1 AS (
    SELECT s.community, s.person, s.d0, min(r.day) FILTER (r.first_contact AND r.day >= s.d0) AS d1
    FROM step0 s JOIN rules r USING (community, person) GROUP BY ALL
),
step2 AS (
    SELECT s.community, s.person, s.d0, s.d1, min(r.day) FILTER (r.participation AND r.day >= s.d1) AS d2
    FROM step1 s JOIN rules r USING (community, person) GROUP BY ALL
),
step3 AS (
    SELECT s.community, s.person, s.d0, s.d1, s.d2, min(r.day) FILTER (r.sustained AND r.day >= s.d2) AS d3
    FROM step2 s JOIN rules r USING (community, person) GROUP BY ALL
),
step4 AS (
    SELECT s.community, s.person, s.d0, s.d1, s.d2, s.d3, min(r.day) FILTER (r.networked AND r.day >= s.d3) AS d4
    FROM step3 s JOIN rules r USING (community, person) GROUP BY ALL
),
step5 AS (
    SELECT s.community, s.person, s.d0, s.d1, s.d2, s.d3, s.d4, min(r.day) FILTER (r.leadership AND r.day >= s.d4) AS d5
    FROM step4 s JOIN rules r USING (community, person) GROUP BY ALL
),
ladder AS (
    SELECT community, person, [d0, d1, d2, d3, d4, d5] AS days FROM step5
),
steps(k) AS (SELECT unnest(range(6))),
met AS (
    SELECT l.community, s.k,
        count(l.days[s.k + 1]) AS ever_met,
        median(l.days[s.k + 1] - l.days[2]) FILTER (s.k >= 2) AS median_days_from_first_contact,
        count(l.days[s.k + 1]) FILTER (s.k >= 2) AS median_days_n
    FROM ladder l CROSS JOIN steps s
    GROUP BY l.community, s.k
),
now_at AS (
    SELECT community, stage_order AS k, count(*) AS n
    FROM staged WHERE day = getvariable('as_of')::DATE
    GROUP BY community, stage_order
)
SELECT
    m.community,
    ['discovery', 'first_contact', 'participation', 'sustained_participation',
     'networked_participation', 'leadership'][m.k + 1] AS stage,
    m.k AS stage_order,
    m.ever_met,
    coalesce(n.n, 0) AS current,
    m.median_days_from_first_contact,
    m.median_days_n
FROM met m LEFT JOIN now_at n ON n.community = m.community AND n.k = m.k
ORDER BY m.community, m.k;
