-- stages.sql: the journey stage model of docs/analysis.md in SQL (DuckDB
-- dialect). It computes the contributors table (stage, state, stage_reached_at
-- and the counts behind the rules) at the analysis date, from events.parquet
-- and identities.parquet as `journeys analyze` wrote them.
--
-- Before running it, create two views and set the parameters, e.g.:
--
--   CREATE VIEW events     AS SELECT * FROM read_parquet('OUT/events.parquet');
--   CREATE VIEW identities AS SELECT * FROM read_parquet('OUT/identities.parquet');
--   SET VARIABLE as_of = DATE '2024-06-30';
--   SET VARIABLE window_days = 365;      SET VARIABLE sustained_months = 3;
--   SET VARIABLE networked_items = 3;    SET VARIABLE leadership_merges = 1;
--   SET VARIABLE leadership_triaged = 5; SET VARIABLE new_days = 90;
--   SET VARIABLE active_days = 180;      SET VARIABLE dormant_days = 365;
--   SET VARIABLE bot_include = []::VARCHAR[];  -- the config's bots.include
--   SET VARIABLE bot_exclude = []::VARCHAR[];  -- the config's bots.exclude
--
-- Identities: commits GitHub linked to no account (actor null) take the login
-- identities.parquet gives their (community, name, email); that is how the Go
-- analysis resolved them. Bots follow the rules of docs/analysis.md (type Bot,
-- a [bot] suffix, the shipped list below, the include/exclude globs).
--
-- Not computed here: stage_reason (words) and the monthly tables.
SET TimeZone = 'UTC';

WITH
known_bots(login) AS (VALUES
    ('actions-user'),
    ('allcontributors'),
    ('all-contributors'),
    ('azure-pipelines'),
    ('circleci'),
    ('cla-bot'),
    ('claassistant'),
    ('googlebot'),
    ('google-cla'),
    ('codeclimate'),
    ('codecov'),
    ('codecov-io'),
    ('codecov-commenter'),
    ('coveralls'),
    ('deepsource-autofix'),
    ('dependabot'),
    ('dependabot-preview'),
    ('ghost'),
    ('github-actions'),
    ('github-merge-queue'),
    ('gitter-badger'),
    ('greenkeeper'),
    ('greenkeeperio-bot'),
    ('imgbot'),
    ('k8s-ci-robot'),
    ('k8s-merge-robot'),
    ('k8s-triage-robot'),
    ('k8s-github-robot'),
    ('lgtm-com'),
    ('mergify'),
    ('netlify'),
    ('pre-commit-ci'),
    ('pre-commit-ci-lite'),
    ('readthedocs'),
    ('renovate'),
    ('renovate-bot'),
    ('restyled-io'),
    ('semantic-release-bot'),
    ('snyk-bot'),
    ('sonarcloud'),
    ('travis-ci'),
    ('vercel'),
    ('web-flow'),
    ('whitesource-bolt-for-github')
),
ev AS (
    SELECT community, repo, actor, actor_type, kind, occurred_at,
           CAST(occurred_at AS DATE) AS day, target_number, target_author,
           coalesce(author_name, '') AS author_name, coalesce(author_email, '') AS author_email
    FROM events
    WHERE CAST(occurred_at AS DATE) <= getvariable('as_of')::DATE
      AND kind IN ('star', 'fork', 'recognized', 'issue_opened', 'pr_opened', 'issue_comment',
                   'review_comment', 'review', 'pr_merged', 'commit', 'commit_coauthor',
                   'issue_closed', 'labeled', 'issue_reopened', 'assigned')
),
-- How unlinked commits were tied to logins (one resolution per community, name, email).
resolved AS (
    SELECT community, name, email, min(login) AS login
    FROM identities
    WHERE method <> 'github_link' AND login IS NOT NULL
    GROUP BY community, name, email
),
-- One row per fact: what an event says about one person (lower-case login).
facts AS (
    SELECT community, lower(actor) AS person, kind AS fact, day, occurred_at, repo, target_number,
           (target_author IS NOT NULL AND target_author <> '' AND target_number IS NOT NULL
            AND lower(target_author) <> lower(actor)) AS others
    FROM ev
    WHERE kind NOT IN ('commit', 'commit_coauthor') AND actor IS NOT NULL AND actor <> ''
    UNION ALL
    -- The author's pull request was merged, whoever merged it.
    SELECT community, lower(target_author), 'own_merged', day, occurred_at, repo, NULL, false
    FROM ev
    WHERE kind = 'pr_merged' AND target_author IS NOT NULL AND target_author <> ''
    UNION ALL
    SELECT community, lower(actor), kind, day, occurred_at, repo, NULL, false
    FROM ev
    WHERE kind IN ('commit', 'commit_coauthor') AND actor IS NOT NULL
    UNION ALL
    SELECT ev.community, lower(r.login), ev.kind, ev.day, ev.occurred_at, ev.repo, NULL, false
    FROM ev JOIN resolved r
      ON r.community = ev.community AND r.name = ev.author_name AND r.email = ev.author_email
    WHERE ev.kind IN ('commit', 'commit_coauthor') AND ev.actor IS NULL
),
-- The spelling shown: the smallest one GitHub's API served, else the smallest seen.
spellings AS (
    SELECT actor AS login, kind <> 'recognized' AS from_api FROM ev WHERE actor IS NOT NULL AND actor <> ''
    UNION ALL
    SELECT target_author, true FROM ev
    WHERE target_author IS NOT NULL AND target_author <> '' AND kind NOT IN ('commit', 'commit_coauthor')
    UNION ALL
    SELECT login, false FROM resolved
),
display AS (
    SELECT lower(login) AS person, coalesce(min(login) FILTER (WHERE from_api), min(login)) AS login
    FROM spellings GROUP BY lower(login)
),
type_bots AS (
    SELECT DISTINCT lower(actor) AS person FROM ev WHERE actor_type = 'Bot' AND actor IS NOT NULL AND actor <> ''
),
bots AS (
    SELECT d.person FROM display d
    WHERE d.person IN (SELECT person FROM type_bots)
       OR d.person LIKE '%[bot]'
       OR (NOT EXISTS (SELECT 1 FROM unnest(getvariable('bot_exclude')::VARCHAR[]) x(p) WHERE d.person GLOB lower(x.p))
           AND (d.person IN (SELECT login FROM known_bots)
                OR EXISTS (SELECT 1 FROM unnest(getvariable('bot_include')::VARCHAR[]) x(p) WHERE d.person GLOB lower(x.p))))
),
people AS (
    SELECT community, person FROM facts WHERE person NOT IN (SELECT person FROM bots) GROUP BY ALL
),
-- The days a person's stage can change: a fact enters (its day) or leaves the
-- window (its day + window_days + 1), and the analysis date.
candidates AS (
    SELECT DISTINCT f.community, f.person, c.day
    FROM facts f, LATERAL (SELECT f.day UNION ALL SELECT (f.day + getvariable('window_days')::INT + 1)::DATE) c(day)
    WHERE f.person NOT IN (SELECT person FROM bots) AND c.day <= getvariable('as_of')::DATE
    UNION
    SELECT community, person, getvariable('as_of')::DATE FROM people
),
judged AS (
    SELECT c.community, c.person, c.day,
        count(*) FILTER (f.fact = 'star') AS stars,
        count(*) FILTER (f.fact = 'fork') AS forks,
        count(*) FILTER (f.fact = 'issue_opened') AS issues_opened,
        count(*) FILTER (f.fact = 'pr_opened') AS prs_opened,
        count(*) FILTER (f.fact IN ('issue_comment', 'review_comment')) AS comments,
        count(*) FILTER (f.fact = 'review') AS reviews,
        count(*) FILTER (f.fact = 'own_merged') AS own_prs_merged,
        count(*) FILTER (f.fact = 'commit') AS commits,
        count(*) FILTER (f.fact = 'commit_coauthor') AS co_authored_commits,
        count(*) FILTER (f.fact = 'recognized') > 0 AS recognized,
        count(*) FILTER (f.fact NOT IN ('star', 'fork', 'recognized', 'own_merged')) AS actions,
        count(DISTINCT date_trunc('month', f.day)) FILTER (
            f.fact IN ('own_merged', 'commit', 'commit_coauthor')
            AND f.day >= c.day - getvariable('window_days')::INT) AS contribution_months_12m,
        count(DISTINCT (f.repo, f.target_number)) FILTER (
            f.fact IN ('issue_comment', 'review_comment', 'review') AND f.others
            AND f.day >= c.day - getvariable('window_days')::INT) AS others_items_engaged_12m,
        count(*) FILTER (
            f.fact = 'pr_merged' AND f.others
            AND f.day >= c.day - getvariable('window_days')::INT) AS others_prs_merged_12m,
        count(DISTINCT (f.repo, f.target_number)) FILTER (
            f.fact IN ('issue_closed', 'labeled') AND f.others
            AND f.day >= c.day - getvariable('window_days')::INT) AS others_items_triaged_12m,
        min(f.occurred_at) AS first_activity_at,
        max(f.occurred_at) AS last_activity_at,
        min(f.occurred_at) FILTER (f.fact NOT IN ('star', 'fork', 'recognized', 'own_merged')) AS first_contact_at,
        min(f.day) FILTER (f.fact NOT IN ('star', 'fork', 'recognized', 'own_merged')) AS first_action_day,
        max(f.day) FILTER (f.fact NOT IN ('star', 'fork', 'recognized', 'own_merged')) AS last_action_day
    FROM candidates c JOIN facts f
      ON f.community = c.community AND f.person = c.person AND f.day <= c.day
    GROUP BY c.community, c.person, c.day
),
staged AS (
    SELECT *,
        CASE
            WHEN others_prs_merged_12m >= getvariable('leadership_merges')::INT
              OR others_items_triaged_12m >= getvariable('leadership_triaged')::INT THEN 5
            WHEN others_items_engaged_12m >= getvariable('networked_items')::INT THEN 4
            WHEN contribution_months_12m >= getvariable('sustained_months')::INT THEN 3
            WHEN own_prs_merged + commits + co_authored_commits > 0 OR recognized THEN 2
            WHEN actions > 0 THEN 1
            ELSE 0
        END AS stage_order
    FROM judged
),
current AS (
    SELECT * FROM staged WHERE day = getvariable('as_of')::DATE
),
-- The current stage was first reached on the first day a stage at least
-- as high held (stage_reached_at; the funnel has its own ladder, funnel.sql).
reached AS (
    SELECT s.community, s.person, min(s.day) AS stage_reached_day
    FROM staged s
    JOIN current cur ON cur.community = s.community AND cur.person = s.person
    WHERE s.stage_order >= cur.stage_order
    GROUP BY s.community, s.person
)
SELECT
    c.community,
    d.login,
    ['discovery', 'first_contact', 'participation', 'sustained_participation',
     'networked_participation', 'leadership'][c.stage_order + 1] AS stage,
    CASE
        WHEN c.first_action_day IS NULL THEN NULL
        WHEN c.day - c.first_action_day <= getvariable('new_days')::INT THEN 'new'
        WHEN c.day - c.last_action_day <= getvariable('active_days')::INT THEN 'active'
        WHEN c.day - c.last_action_day <= getvariable('dormant_days')::INT THEN 'dormant'
        ELSE 'churned'
    END AS state,
    c.first_activity_at,
    c.last_activity_at,
    c.first_contact_at,
    CAST(r.stage_reached_day AS TIMESTAMPTZ) AS stage_reached_at,
    c.stars, c.forks, c.issues_opened, c.prs_opened, c.comments, c.reviews,
    c.own_prs_merged, c.commits, c.co_authored_commits, c.recognized,
    c.contribution_months_12m, c.others_items_engaged_12m,
    c.others_prs_merged_12m, c.others_items_triaged_12m
FROM current c
JOIN display d ON d.person = c.person
JOIN reached r ON r.community = c.community AND r.person = c.person
ORDER BY c.community, c.person, d.login;
