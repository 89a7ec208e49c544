-- metrics.sql: the CHAOSS metrics of metrics.parquet (docs/analysis.md,
-- "Metrics table") in SQL (DuckDB dialect). It computes metrics.parquet as
-- `journeys analyze` writes it, from events.parquet and identities.parquet:
-- for every community and calendar month, from the month of the community's
-- first event by a person (not a bot) to the last month wholly observed at the
-- analysis date, one row per metric.
--
-- It continues stages.sql's WITH clause after its `bots` step (the events,
-- the logins unlinked commits resolve to, every person's facts and the
-- bots), so it is run as package sql's Metrics: stages.sql up to
-- "people AS (", then this text. It expects what stages.sql expects; of the
-- thresholds it reads only active_days, the inactivity interval.
--
-- Contributions are the facts of kinds issue_opened, pr_opened,
-- issue_comment, review_comment, review, commit and commit_coauthor. Items are
-- the issues and pull requests whose opening is an event by a person; a
-- response is an issue comment, review comment, review, close or merge of the
-- item by someone other than its author (facts.others: its target_author is
-- known and is not the actor), not a bot. Days before 1970 are left out, as
-- the Go analysis does.
--
-- Every month has a row for each of the eight metrics (ordered by name);
-- value is null where the metric is undefined (a median of no items, a ratio
-- over no pull requests, an absence factor without contributions).
humans AS (
    SELECT community, person, fact, day
    FROM facts
    WHERE person NOT IN (SELECT person FROM bots) AND day >= DATE '1970-01-01'
),
-- The last month wholly observed at the analysis date.
observed AS (
    SELECT CAST(CASE WHEN last_day(getvariable('as_of')::DATE) = getvariable('as_of')::DATE
                     THEN date_trunc('month', getvariable('as_of')::DATE)
                     ELSE date_trunc('month', getvariable('as_of')::DATE) - INTERVAL 1 MONTH
                END AS DATE) AS last_month
),
-- Every month from the community's first (its first event by a person) to the last observed.
periods AS (
    SELECT f.community, CAST(g.period AS DATE) AS period, last_day(CAST(g.period AS DATE)) AS period_end
    FROM (SELECT community, CAST(date_trunc('month', min(day)) AS DATE) AS first_month
          FROM humans GROUP BY community) f
    CROSS JOIN observed o
    CROSS JOIN LATERAL generate_series(CAST(f.first_month AS TIMESTAMP), CAST(o.last_month AS TIMESTAMP),
                                       INTERVAL 1 MONTH) g(period)
),
contributions AS (
    SELECT community, person, day
    FROM humans
    WHERE fact IN ('issue_opened', 'pr_opened', 'issue_comment', 'review_comment', 'review',
                   'commit', 'commit_coauthor')
),
-- New Contributors: people by the month of their first contribution.
newcomers AS (
    SELECT community, period, count(*) AS n
    FROM (SELECT community, person, CAST(date_trunc('month', min(day)) AS DATE) AS period
          FROM contributions GROUP BY community, person)
    GROUP BY community, period
),
-- Inactive Contributors: at a month end, the people whose last contribution
-- up to then is more than active_days days old. Each contribution day and the
-- next one bound the month ends at which that day is the last.
spans AS (
    SELECT community, person, day, lead(day) OVER (PARTITION BY community, person ORDER BY day) AS next_day
    FROM (SELECT DISTINCT community, person, day FROM contributions)
),
inactive AS (
    SELECT p.community, p.period, count(*) AS n
    FROM periods p
    JOIN spans s ON s.community = p.community
     AND p.period_end - s.day > getvariable('active_days')::INT
     AND (s.next_day IS NULL OR p.period_end < s.next_day)
    GROUP BY p.community, p.period
),
-- Contributor Absence Factor: the fewest people who made at least half of the
-- month's contributions.
monthly AS (
    SELECT community, CAST(date_trunc('month', day) AS DATE) AS period, person, count(*) AS n
    FROM contributions
    GROUP BY ALL
),
ranked AS (
    SELECT community, period, n,
           sum(n) OVER (PARTITION BY community, period ORDER BY n DESC, person
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
           sum(n) OVER (PARTITION BY community, period) AS total,
           row_number() OVER (PARTITION BY community, period ORDER BY n DESC, person) AS k
    FROM monthly
),
absence AS (
    SELECT community, period, min(k) FILTER (WHERE 2 * running >= total) AS factor, count(*) AS contributors
    FROM ranked
    GROUP BY community, period
),
-- Issues and pull requests opened by people (the earliest opening, should an
-- item have two).
items AS (
    SELECT * FROM (
        SELECT community, repo, target_number, min(occurred_at) AS opened_at,
               arg_min(person, occurred_at) AS author, arg_min(fact, occurred_at) = 'pr_opened' AS pr
        FROM facts
        WHERE fact IN ('issue_opened', 'pr_opened') AND target_number IS NOT NULL AND day >= DATE '1970-01-01'
        GROUP BY community, repo, target_number)
    WHERE author NOT IN (SELECT person FROM bots)
),
-- Time to First Response, by the month of the item's opening: hours from the
-- opening to the first response (0 should it come before), as quantile_cont
-- interpolates them.
answers AS (
    SELECT i.community, i.opened_at, min(r.occurred_at) AS first_at
    FROM items i
    LEFT JOIN facts r
      ON r.community = i.community AND r.repo = i.repo AND r.target_number = i.target_number
     AND r.fact IN ('issue_comment', 'review_comment', 'review', 'issue_closed', 'pr_merged')
     AND r.others AND r.person NOT IN (SELECT person FROM bots)
     AND r.day >= DATE '1970-01-01'
    GROUP BY i.community, i.repo, i.target_number, i.opened_at
),
responses AS (
    SELECT community, CAST(date_trunc('month', opened_at) AS DATE) AS period,
           count(first_at) AS answered, count(*) - count(first_at) AS unanswered,
           quantile_cont(hours, 0.5) AS median_hours, quantile_cont(hours, 0.9) AS p90_hours
    FROM (SELECT *, CASE WHEN first_at IS NOT NULL
                         THEN CAST(greatest(epoch_us(first_at) - epoch_us(opened_at), 0) AS DOUBLE) / 3600000000
                    END AS hours
          FROM answers)
    GROUP BY ALL
),
-- Change Request Acceptance Ratio: pull requests merged over those closed or
-- merged in the month (each once a month), whoever closed or merged them.
decisions AS (
    SELECT DISTINCT i.community, i.repo, i.target_number, CAST(date_trunc('month', e.day) AS DATE) AS period,
           e.kind = 'pr_merged' AS merged
    FROM ev e
    JOIN items i ON i.community = e.community AND i.repo = e.repo AND i.target_number = e.target_number
    WHERE i.pr AND e.kind IN ('issue_closed', 'pr_merged') AND e.day >= DATE '1970-01-01'
),
acceptance AS (
    SELECT community, period, count(DISTINCT (repo, target_number)) AS closed,
           count(DISTINCT (repo, target_number)) FILTER (WHERE merged) AS merged
    FROM decisions
    GROUP BY community, period
),
figures AS (
    SELECT p.community, p.period,
           coalesce(a.closed, 0) AS closed, coalesce(a.merged, 0) AS merged,
           f.factor, coalesce(f.contributors, 0) AS contributors,
           coalesce(ia.n, 0) AS inactive, coalesce(nc.n, 0) AS newcomers,
           coalesce(r.answered, 0) AS answered, coalesce(r.unanswered, 0) AS unanswered,
           r.median_hours, r.p90_hours
    FROM periods p
    LEFT JOIN acceptance a ON a.community = p.community AND a.period = p.period
    LEFT JOIN absence f ON f.community = p.community AND f.period = p.period
    LEFT JOIN inactive ia ON ia.community = p.community AND ia.period = p.period
    LEFT JOIN newcomers nc ON nc.community = p.community AND nc.period = p.period
    LEFT JOIN responses r ON r.community = p.community AND r.period = p.period
),
cells(community, period, metric, value, count, definition_url) AS (
    SELECT community, period, 'change_request_acceptance_ratio',
           CASE WHEN closed > 0 THEN CAST(merged AS DOUBLE) / closed END, closed,
           'https://chaoss.community/?p=3598' FROM figures
    UNION ALL
    SELECT community, period, 'contributor_absence_factor', CAST(factor AS DOUBLE), contributors,
           'https://chaoss.community/?p=3944' FROM figures
    UNION ALL
    SELECT community, period, 'inactive_contributors', inactive, inactive,
           'https://chaoss.community/?p=3614' FROM figures
    UNION ALL
    SELECT community, period, 'new_contributors', newcomers, newcomers,
           'https://chaoss.community/?p=3613' FROM figures
    UNION ALL
    SELECT community, period, 'time_to_first_response_answered', answered, answered,
           'https://chaoss.community/?p=3448' FROM figures
    UNION ALL
    SELECT community, period, 'time_to_first_response_median_hours', median_hours, answered,
           'https://chaoss.community/?p=3448' FROM figures
    UNION ALL
    SELECT community, period, 'time_to_first_response_p90_hours', p90_hours, answered,
           'https://chaoss.community/?p=3448' FROM figures
    UNION ALL
    SELECT community, period, 'time_to_first_response_unanswered', unanswered, unanswered,
           'https://chaoss.community/?p=3448' FROM figures
)
SELECT community, period, metric, CAST(value AS DOUBLE) AS value, CAST(count AS BIGINT) AS count, definition_url
FROM cells
ORDER BY community, period, metric;
