package ghgraphql

import (
	"fmt"
	"strings"
)

// The queries collection sends, as GitHub's GraphQL schema names things
// (validated against it in schema_test.go). Every query asks for
// rateLimit, so that each answer says what it cost and what is left.
// Page sizes are variables: the caller picks them so that a query stays
// well under GitHub's limits (see PageCost), and halves them when GitHub
// times out.

// Timeline item types the model reads: comments, reviews (pull requests)
// and the issue events of GET /repos/{owner}/{repo}/issues/events.
const (
	issueItemTypes = `[ISSUE_COMMENT, CLOSED_EVENT, REOPENED_EVENT, LABELED_EVENT, UNLABELED_EVENT, ASSIGNED_EVENT, UNASSIGNED_EVENT, REFERENCED_EVENT, MENTIONED_EVENT, SUBSCRIBED_EVENT, MILESTONED_EVENT, DEMILESTONED_EVENT, LOCKED_EVENT, UNLOCKED_EVENT, PINNED_EVENT, UNPINNED_EVENT, UNSUBSCRIBED_EVENT, RENAMED_TITLE_EVENT, TRANSFERRED_EVENT, MARKED_AS_DUPLICATE_EVENT, UNMARKED_AS_DUPLICATE_EVENT]`
	pullItemTypes  = `[ISSUE_COMMENT, PULL_REQUEST_REVIEW, CLOSED_EVENT, REOPENED_EVENT, MERGED_EVENT, LABELED_EVENT, UNLABELED_EVENT, ASSIGNED_EVENT, UNASSIGNED_EVENT, REFERENCED_EVENT, MENTIONED_EVENT, SUBSCRIBED_EVENT, MILESTONED_EVENT, DEMILESTONED_EVENT, LOCKED_EVENT, UNLOCKED_EVENT, PINNED_EVENT, UNPINNED_EVENT, UNSUBSCRIBED_EVENT, RENAMED_TITLE_EVENT, TRANSFERRED_EVENT, MARKED_AS_DUPLICATE_EVENT, UNMARKED_AS_DUPLICATE_EVENT, HEAD_REF_DELETED_EVENT, HEAD_REF_RESTORED_EVENT, HEAD_REF_FORCE_PUSHED_EVENT, BASE_REF_FORCE_PUSHED_EVENT, REVIEW_REQUESTED_EVENT, REVIEW_REQUEST_REMOVED_EVENT, REVIEW_DISMISSED_EVENT, READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT]`
)

const rateLimitFields = `rateLimit { cost remaining limit used resetAt nodeCount }`

const actorFields = `__typename login`

// timelineFragments select what each timeline item type carries.
const timelineFragments = `
fragment TimelineItem on Node {
  __typename
  id
  ... on IssueComment { databaseId author { ` + actorFields + ` } authorAssociation createdAt updatedAt }
  ... on PullRequestReview { databaseId author { ` + actorFields + ` } state submittedAt }
  ... on ClosedEvent { actor { ` + actorFields + ` } createdAt closer { __typename ... on Commit { oid } } }
  ... on ReopenedEvent { actor { ` + actorFields + ` } createdAt }
  ... on MergedEvent { actor { ` + actorFields + ` } createdAt commit { oid } }
  ... on LabeledEvent { actor { ` + actorFields + ` } createdAt label { name } }
  ... on UnlabeledEvent { actor { ` + actorFields + ` } createdAt label { name } }
  ... on AssignedEvent { actor { ` + actorFields + ` } createdAt assignee { __typename ... on Actor { login } } }
  ... on UnassignedEvent { actor { ` + actorFields + ` } createdAt assignee { __typename ... on Actor { login } } }
  ... on ReferencedEvent { actor { ` + actorFields + ` } createdAt commit { oid } }
  ... on MentionedEvent { actor { ` + actorFields + ` } createdAt }
  ... on SubscribedEvent { actor { ` + actorFields + ` } createdAt }
  ... on MilestonedEvent { actor { ` + actorFields + ` } createdAt }
  ... on DemilestonedEvent { actor { ` + actorFields + ` } createdAt }
  ... on LockedEvent { actor { ` + actorFields + ` } createdAt }
  ... on UnlockedEvent { actor { ` + actorFields + ` } createdAt }
  ... on PinnedEvent { actor { ` + actorFields + ` } createdAt }
  ... on UnpinnedEvent { actor { ` + actorFields + ` } createdAt }
  ... on UnsubscribedEvent { actor { ` + actorFields + ` } createdAt }
  ... on RenamedTitleEvent { actor { ` + actorFields + ` } createdAt }
  ... on TransferredEvent { actor { ` + actorFields + ` } createdAt }
  ... on MarkedAsDuplicateEvent { actor { ` + actorFields + ` } createdAt }
  ... on UnmarkedAsDuplicateEvent { actor { ` + actorFields + ` } createdAt }
  ... on HeadRefDeletedEvent { actor { ` + actorFields + ` } createdAt }
  ... on HeadRefRestoredEvent { actor { ` + actorFields + ` } createdAt }
  ... on HeadRefForcePushedEvent { actor { ` + actorFields + ` } createdAt }
  ... on BaseRefForcePushedEvent { actor { ` + actorFields + ` } createdAt }
  ... on ReviewRequestedEvent { actor { ` + actorFields + ` } createdAt }
  ... on ReviewRequestRemovedEvent { actor { ` + actorFields + ` } createdAt }
  ... on ReviewDismissedEvent { actor { ` + actorFields + ` } createdAt }
  ... on ReadyForReviewEvent { actor { ` + actorFields + ` } createdAt }
  ... on ConvertToDraftEvent { actor { ` + actorFields + ` } createdAt }
}
`

// reviewCommentFragment selects a review comment.
const reviewCommentFragment = `
fragment ReviewComment on PullRequestReviewComment {
  databaseId author { ` + actorFields + ` } authorAssociation createdAt updatedAt
}
`

// NumbersQuery fetches, by number, the timelines of n issues and the
// timelines and first review thread of m pull requests: aliases i0, i1,
// ... for issue number $i0, $i1, ..., and p0, p1, ... for pull request
// number $p0, $p1, ... (NumbersVars gives the variables). What each node
// selects is in a fragment and the numbers are variables, so the query is
// short and the same for every batch of the same size. It is what REST
// would need a request per pull request for; the issues and pull requests
// themselves come from REST's issues listing (ETags, a page of 100 a
// request), which also tells which changed.
func NumbersQuery(n, m int) string {
	var vars, fields strings.Builder
	for i := range n {
		fmt.Fprintf(&vars, ", $i%d: Int!", i)
		fmt.Fprintf(&fields, "\n    i%d: issue(number: $i%d) { ...IssueNode }", i, i)
	}
	for i := range m {
		fmt.Fprintf(&vars, ", $p%d: Int!", i)
		fmt.Fprintf(&fields, "\n    p%d: pullRequest(number: $p%d) { ...PullNode }", i, i)
	}
	var b strings.Builder
	b.WriteString(`query Numbers($owner: String!, $name: String!` + vars.String() + `) {
  ` + rateLimitFields + `
  repository(owner: $owner, name: $name) {` + fields.String() + `
  }
}
` + timelineFragments)
	if n > 0 {
		b.WriteString(`
fragment IssueNode on Issue {
  timelineItems(first: 100, itemTypes: ` + issueItemTypes + `) { pageInfo { hasNextPage endCursor } nodes { ...TimelineItem } }
}
`)
	}
	if m > 0 {
		b.WriteString(`
fragment PullNode on PullRequest {
  timelineItems(first: 100, itemTypes: ` + pullItemTypes + `) { pageInfo { hasNextPage endCursor } nodes { ...TimelineItem } }
  reviewThreads(first: 1) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id comments(first: 100) { pageInfo { hasNextPage endCursor } nodes { ...ReviewComment } } }
  }
}
` + reviewCommentFragment)
	}
	return b.String()
}

// NumbersVars is the variables of NumbersQuery(len(issues), len(pulls))
// for those numbers in the repository owner/name.
func NumbersVars(owner, name string, issues, pulls []int64) map[string]any {
	vars := map[string]any{"owner": owner, "name": name}
	for i, n := range issues {
		vars[fmt.Sprintf("i%d", i)] = n
	}
	for i, n := range pulls {
		vars[fmt.Sprintf("p%d", i)] = n
	}
	return vars
}

// Per-item connections of NumbersQuery: an issue's timeline; a pull
// request's timeline, review threads and the first thread's comments.
const (
	IssueConnections = 1
	PullConnections  = 3
)

// IssueTimelineQuery finishes one issue's timeline.
const IssueTimelineQuery = `query IssueTimeline($owner: String!, $name: String!, $number: Int!, $first: Int!, $after: String) {
  ` + rateLimitFields + `
  repository(owner: $owner, name: $name) {
    issue(number: $number) {
      timelineItems(first: $first, after: $after, itemTypes: ` + issueItemTypes + `) {
        pageInfo { hasNextPage endCursor }
        nodes { ...TimelineItem }
      }
    }
  }
}
` + timelineFragments

// PullTimelineQuery finishes one pull request's timeline.
const PullTimelineQuery = `query PullTimeline($owner: String!, $name: String!, $number: Int!, $first: Int!, $after: String) {
  ` + rateLimitFields + `
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      timelineItems(first: $first, after: $after, itemTypes: ` + pullItemTypes + `) {
        pageInfo { hasNextPage endCursor }
        nodes { ...TimelineItem }
      }
    }
  }
}
` + timelineFragments

// ThreadsQuery finishes the review threads of several pull requests in
// one query: for each, $nI threads after cursor $aI of pull request
// number numbers[I] (aliases p0, p1, ...).
func ThreadsQuery(numbers []int64) string {
	var vars, fields strings.Builder
	for i, n := range numbers {
		fmt.Fprintf(&vars, ", $n%d: Int!, $a%d: String", i, i)
		fmt.Fprintf(&fields, `
    p%d: pullRequest(number: %d) {
      reviewThreads(first: $n%d, after: $a%d) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id comments(first: 100) { pageInfo { hasNextPage endCursor } nodes { ...ReviewComment } } }
      }
    }`, i, n, i, i)
	}
	return `query Threads($owner: String!, $name: String!` + vars.String() + `) {
  ` + rateLimitFields + `
  repository(owner: $owner, name: $name) {` + fields.String() + `
  }
}
` + reviewCommentFragment
}

// ThreadCommentsQuery finishes one review thread's comments.
const ThreadCommentsQuery = `query ThreadComments($id: ID!, $first: Int!, $after: String) {
  ` + rateLimitFields + `
  node(id: $id) {
    ... on PullRequestReviewThread {
      comments(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { ...ReviewComment } }
    }
  }
}
` + reviewCommentFragment

// CommitsQuery lists the default branch's history, newest first, with
// committer dates from $since to $until when given (history ranges are
// walked in parallel). The repository's creation and last push come with
// it: a walk begun before REST's answer for the repository dates its
// ranges and marks the push it saw from the same answer.
const CommitsQuery = `query Commits($owner: String!, $name: String!, $first: Int!, $after: String, $since: GitTimestamp, $until: GitTimestamp) {
  ` + rateLimitFields + `
  repository(owner: $owner, name: $name) {
    createdAt
    pushedAt
    defaultBranchRef {
      name
      target {
        ... on Commit {
          history(first: $first, after: $after, since: $since, until: $until) {
            totalCount
            pageInfo { hasNextPage endCursor }
            nodes {
              oid message
              author { name email date user { login } }
              committer { name email date user { login } }
              parents(first: 10) { totalCount nodes { oid } }
            }
          }
        }
      }
    }
  }
}`

// StargazersQuery lists the stargazers, latest star first.
const StargazersQuery = `query Stargazers($owner: String!, $name: String!, $first: Int!, $after: String) {
  ` + rateLimitFields + `
  repository(owner: $owner, name: $name) {
    stargazers(first: $first, after: $after, orderBy: {field: STARRED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      edges { starredAt node { login } }
    }
  }
}`

// ForksQuery lists the forks, newest first.
const ForksQuery = `query Forks($owner: String!, $name: String!, $first: Int!, $after: String) {
  ` + rateLimitFields + `
  repository(owner: $owner, name: $name) {
    forks(first: $first, after: $after, orderBy: {field: CREATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes { databaseId nameWithOwner createdAt owner { ` + actorFields + ` } }
    }
  }
}`

// FileVersionsQuery reads a file at several commits: $eI is
// "SHA:PATH" (aliases v0, v1, ...). Blobs are no connection: a query of
// any number of them costs one point.
func FileVersionsQuery(n int) string {
	var vars, fields strings.Builder
	for i := range n {
		fmt.Fprintf(&vars, ", $e%d: String!", i)
		fmt.Fprintf(&fields, `
    v%d: object(expression: $e%d) { __typename ... on Blob { text isTruncated } }`, i, i)
	}
	return `query FileVersions($owner: String!, $name: String!` + vars.String() + `) {
  ` + rateLimitFields + `
  repository(owner: $owner, name: $name) {` + fields.String() + `
  }
}`
}

// Queries lists every query, by name, for the schema test.
var Queries = map[string]string{
	"Numbers": NumbersQuery(2, 2), "NumbersIssues": NumbersQuery(1, 0), "NumbersPulls": NumbersQuery(0, 3), "IssueTimeline": IssueTimelineQuery,
	"PullTimeline": PullTimelineQuery, "Threads": ThreadsQuery([]int64{1, 2, 3}), "ThreadComments": ThreadCommentsQuery,
	"FileVersions": FileVersionsQuery(3), "Commits": CommitsQuery, "Stargazers": StargazersQuery, "Forks": ForksQuery,
}
