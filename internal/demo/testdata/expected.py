#!/usr/bin/env python3
"""Independent route to the figures the demo data must reproduce.

Reads the raw Turing Way git extraction (commits.jsonl.gz, prs.jsonl.gz,
all_contributors.json, all_contributors_history.jsonl.gz) with the standard
library only, applies the derivation rules documented in the demo package
(written again here, not shared with the Go code), and writes expected.json.

    python3 internal/demo/testdata/expected.py ../shared/data/turing-way internal/demo/testdata/expected.json
"""
import collections
from datetime import datetime, timezone
import gzip
import json
import re
import sys

ORGS = {"alan-turing-institute", "the-turing-way"}
NOREPLY = re.compile(
    r"^(?:(\d+)\+)?([A-Za-z0-9][A-Za-z0-9-]*(?:\[bot\])?)@users\.noreply\.github\.com$", re.I
)
ADD_MSG = re.compile(r"^docs: add @?([A-Za-z0-9][A-Za-z0-9-]*) as a contributor(?: for (.+?))?(?: \(#\d+\))?$")


def jsonl(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def utc(date):
    return datetime.fromisoformat(date).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def noreply_login(email):
    m = NOREPLY.match(email or "")
    return m.group(2).lower() if m else None


def main(src, out):
    commits = jsonl(f"{src}/commits.jsonl.gz")
    prs = jsonl(f"{src}/prs.jsonl.gz")
    history = jsonl(f"{src}/all_contributors_history.jsonl.gz")
    with open(f"{src}/all_contributors.json", encoding="utf-8") as f:
        head_rc = json.load(f)["content"]

    default = [c for c in commits if c["on_default_branch"]]
    by_sha = {c["sha"]: c for c in default}

    # Every (name, email) pair the data shows for a person.
    pairs = []
    for c in default:
        pairs.append((c["author_name"], c["author_email"]))
        pairs.append((c["committer_name"], c["committer_email"]))
    for p in prs:
        pairs.append((p["head_author_name"], p["head_author_email"]))
        for a in p["commit_authors"]:
            pairs.append((a["name"], a["email"]))
        if p.get("squash_commit"):
            pairs.append((p["squash_commit"]["author_name"], p["squash_commit"]["author_email"]))

    # name -> logins, from no-reply addresses and from .all-contributorsrc.
    name_logins = collections.defaultdict(set)
    for name, email in pairs:
        login = noreply_login(email)
        if login and name and name.strip():
            name_logins[name.strip()].add(login)
    rc_versions = [head_rc["contributors"]] + [h.get("contributors") or [] for h in history]
    for version in rc_versions:
        for c in version:
            if c.get("name") and c["name"].strip() and c.get("login"):
                name_logins[c["name"].strip()].add(c["login"].lower())

    # A name that is itself a known login (ignoring case) names that login.
    known = {l for ls in name_logins.values() for l in ls}
    known |= {p["merge_commit"]["head_owner"].lower() for p in prs
              if p.get("merge_commit") and p["merge_commit"]["head_owner"].lower() not in ORGS}
    for name, _ in pairs:
        if name and name.strip().lower() in known:
            name_logins[name.strip()].add(name.strip().lower())

    # email -> login: the no-reply login, or the one login all of the
    # email's unambiguous names point to.
    email_names = collections.defaultdict(set)
    for name, email in pairs:
        if name and name.strip():
            email_names[email].add(name.strip())

    def resolve(email):
        login = noreply_login(email)
        if login:
            return login
        if not email or email == "noreply@github.com":
            return None
        found = set()
        for name in email_names.get(email, ()):
            logins = name_logins.get(name, set())
            if len(logins) == 1:
                found |= logins
        return next(iter(found)) if len(found) == 1 else None

    # Commits on the default branch.
    author_null = 0
    author_logins = set()
    commit_author_emails = set()
    per_month = collections.Counter()
    coauthor_logins = set()
    for c in default:
        commit_author_emails.add(c["author_email"])
        month = datetime.fromisoformat(c["author_date"]).astimezone(timezone.utc).strftime("%Y-%m")
        per_month[month] += 1
        login = resolve(c["author_email"])
        if login is None:
            author_null += 1
        else:
            author_logins.add(login)
        for co in c["co_authors"]:
            co_login = resolve(co["email"])
            if co_login:
                coauthor_logins.add(co_login)
    web_flow = sum(1 for c in default if c["committer_email"] == "noreply@github.com")

    # Pull requests.
    styles = collections.Counter()
    pr_authors = {}
    merged_by = {}
    unresolved_pr_authors = 0
    open_prs = closed_unmerged = 0
    for p in prs:
        status = p["inferred_status"]
        mc = p.get("merge_commit")
        sq = p.get("squash_commit")
        author = None
        if mc and mc["head_owner"].lower() not in ORGS:
            author = mc["head_owner"].lower()
        elif sq:
            author = resolve(sq["author_email"])
        else:
            author = resolve(p["head_author_email"])
        if author is None:
            ranked = sorted(p["commit_authors"], key=lambda a: (-a["commits"], a["name"], a["email"]))
            for a in ranked:
                author = resolve(a["email"])
                if author:
                    break
        if author is None:
            unresolved_pr_authors += 1
            author = "ghost"
        pr_authors[p["number"]] = author
        if status == "not_merged_in_snapshot":
            if p["merge_ref_sha"]:
                open_prs += 1
            else:
                closed_unmerged += 1
            continue
        styles[status] += 1
        if status == "merged_merge_commit":
            merged_by[p["number"]] = resolve(by_sha[mc["sha"]]["author_email"])
        else:
            merged_by[p["number"]] = None

    merged = [n for n in merged_by]
    merged_per_author = collections.Counter(pr_authors[n] for n in merged)
    top10 = sorted(merged_per_author.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    mergers_of_others = sorted(
        {m for n, m in merged_by.items() if m is not None and m != pr_authors[n]}
    )
    merged_by_null = sum(1 for m in merged_by.values() if m is None)

    # .all-contributorsrc.
    head_logins = sorted({c["login"].lower() for c in head_rc["contributors"]})
    first_listed = {}
    first_types = collections.defaultdict(dict)
    for h in history:  # sorted by committer date
        if not h["on_first_parent_chain"] or h["deleted"] or h.get("parse_mode") != "json":
            continue
        for c in h["contributors"]:
            login = c["login"].lower()
            first_listed.setdefault(login, h["committer_date"])
            for t in c["contributions"]:
                first_types[login].setdefault(t, h["committer_date"])
    rc_commits = sorted({h["sha"] for h in history})
    first_listed = {l: utc(d) for l, d in first_listed.items()}
    first_types = {l: {t: utc(d) for t, d in ts.items()} for l, ts in first_types.items()}

    # What the all-contributors bot's messages say on the default branch.
    announced = {}
    announced_types = 0
    for c in sorted(default, key=lambda c: (c["committer_date"], c["sha"])):
        if not c["on_first_parent_chain"]:
            continue
        for line in c["message"].split("\n"):
            m = ADD_MSG.match(line.strip())
            if m:
                announced.setdefault(m.group(1).lower(), c["committer_date"])
                if m.group(2):
                    announced_types += 1
    head_set = set(head_logins)
    announced_at_head = sorted(head_set & set(announced))

    code_or_pr = author_logins | coauthor_logins | set(pr_authors.values())
    non_code_only = sorted(head_set - code_or_pr)
    no_authored = sorted(head_set - author_logins - set(pr_authors.values()))

    result = {
        "repo": "the-turing-way/the-turing-way",
        "default_branch": "master",
        "pull_requests": len(prs),
        "merged_prs": len(merged),
        "merged_by_style": dict(sorted(styles.items())),
        "open_prs": open_prs,
        "closed_unmerged_prs": closed_unmerged,
        "pr_authors_unresolved": unresolved_pr_authors,
        "distinct_pr_authors": len(set(pr_authors.values())),
        "merged_prs_per_author_top10": [{"login": k, "merged": v} for k, v in top10],
        "merged_by_null": merged_by_null,
        "mergers_of_others": mergers_of_others,
        "mergers_of_others_count": len(mergers_of_others),
        "default_branch_commits": len(default),
        "merge_commits": sum(1 for c in default if len(c["parents"]) > 1),
        "commits_author_null": author_null,
        "commits_committed_by_web_flow": web_flow,
        "distinct_commit_author_emails": len(commit_author_emails),
        "distinct_commit_author_logins": len(author_logins),
        "commits_per_month": dict(sorted(per_month.items())),
        "commits_touching_all_contributorsrc": len(rc_commits),
        "recognized_at_head": len(head_logins),
        "recognized_first_listed": len(first_listed),
        "recognized_at_head_with_first_listed": sum(1 for l in head_logins if l in first_listed),
        "first_listed": {l: first_listed[l] for l in sorted(first_listed)},
        "first_listed_types": {l: dict(sorted(first_types[l].items())) for l in sorted(first_types)},
        "bot_add_messages_logins": len(announced),
        "bot_add_messages_with_types": announced_types,
        "recognized_at_head_announced_by_bot_message": len(announced_at_head),
        "recognized_without_commit_coauthorship_or_pr": len(non_code_only),
        "recognized_without_authored_commit_or_pr": len(no_authored),
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: expected.py SRC_DIR OUT_JSON")
    main(sys.argv[1], sys.argv[2])
