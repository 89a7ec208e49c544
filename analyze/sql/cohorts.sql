-- cohorts.sql: cohort survival (docs/analysis.md, "Cohort survival") in SQL
-- (DuckDB dialect). It computes cohorts.parquet as `journeys analyze` writes
-- it, from events.parquet and identities.parquet: for every community and
-- calendar month in which someone made first contact (their first action), and
-- for k = 1..24, how many of those people acted again in month cohort + k.
--
-- It continues stages.sql's WITH clause after its `bots` step (the events,
-- the logins unlinked commits resolve to, every person's facts and the
-- bots), so it is run as package sql's Cohorts: stages.sql up to
-- "people AS (", then this text. It expects what stages.sql expects (the
-- thresholds aside).
--
-- Actions are the facts the activity states count: every kind but a star, a
-- fork, an .all-contributorsrc listing and one's own pull request merged by
-- someone (the merger acted), on days from 1970 on. A cell whose month is not
-- over at the analysis date (the analysis date's month, unless it is the
-- month's last day, and every later month) is null.
actions AS (
    SELECT community, person, day
    FROM facts
    WHERE fact NOT IN ('star', 'fork', 'recognized', 'own_merged') AND day >= DATE '1970-01-01'
),
-- The calendar months in which each person acted.
acting AS (
    SELECT DISTINCT community, person, CAST(date_trunc('month', day) AS DATE) AS month
    FROM actions
    WHERE person NOT IN (SELECT person FROM bots)
),
-- A person's cohort: the month of their first action (first contact).
newcomers AS (
    SELECT community, person, min(month) AS cohort_month
    FROM acting
    GROUP BY community, person
),
sizes AS (
    SELECT community, cohort_month, count(*) AS cohort_size
    FROM newcomers
    GROUP BY community, cohort_month
),
returns AS (
    SELECT p.community, p.cohort_month, datediff('month', p.cohort_month, a.month) AS k, count(*) AS still_acting
    FROM newcomers p
    JOIN acting a ON a.community = p.community AND a.person = p.person
    WHERE a.month > p.cohort_month
    GROUP BY ALL
),
-- The last month wholly observed at the analysis date.
observed AS (
    SELECT CAST(CASE WHEN last_day(getvariable('as_of')::DATE) = getvariable('as_of')::DATE
                     THEN date_trunc('month', getvariable('as_of')::DATE)
                     ELSE date_trunc('month', getvariable('as_of')::DATE) - INTERVAL 1 MONTH
                END AS DATE) AS last_month
),
cells AS (
    SELECT s.community, s.cohort_month, g.k, s.cohort_size,
           CASE WHEN CAST(s.cohort_month + to_months(g.k) AS DATE) <= o.last_month
                THEN coalesce(r.still_acting, 0) END AS still_acting
    FROM sizes s
    CROSS JOIN range(1, 25) g(k)
    CROSS JOIN observed o
    LEFT JOIN returns r ON r.community = s.community AND r.cohort_month = s.cohort_month AND r.k = g.k
)
SELECT community, cohort_month, CAST(k AS BIGINT) AS k, CAST(cohort_size AS BIGINT) AS cohort_size,
       CAST(still_acting AS BIGINT) AS still_acting,
       CAST(still_acting AS DOUBLE) / cohort_size AS share
FROM cells
ORDER BY community, cohort_month, k;
