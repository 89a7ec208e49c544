package fakegithub

import (
	"strconv"
	"strings"
)

const (
	defaultPerPage = 30
	maxPerPage     = 100
)

// pageParams reads page (1-based, default 1) and per_page (default 30,
// clamped to 100) as GitHub does: values that are not positive numbers get
// the defaults.
func pageParams(rawQuery string) (page, perPage int) {
	page, perPage = 1, defaultPerPage
	for _, kv := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n <= 0:
		case k == "page":
			page = n
		case k == "per_page":
			perPage = min(n, maxPerPage)
		}
	}
	return page, perPage
}

// paginate returns the requested page of items and the Link header GitHub
// sends with it. base is the absolute URL of the listing without query
// (GitHub points it at /repositories/{id}/...); rawQuery is the request's
// query, kept as is except for page.
func paginate[T any](items []T, base, rawQuery string) ([]T, string) {
	page, perPage := pageParams(rawQuery)
	total := len(items)
	last := (total + perPage - 1) / perPage
	start := min((page-1)*perPage, total)
	if page-1 > total/perPage+1 { // avoid overflow on huge page numbers
		start = total
	}
	end := min(start+perPage, total)
	return items[start:end], linkHeader(base, rawQuery, page, last)
}

// linkHeader builds GitHub's Link header: rel="prev", "next", "last",
// "first" in that order, each present only when it applies. A listing that
// fits on one page has no Link header.
func linkHeader(base, rawQuery string, page, last int) string {
	if last <= 1 && page <= 1 {
		return ""
	}
	var parts []string
	add := func(p int, rel string) {
		parts = append(parts, "<"+base+"?"+withPage(rawQuery, p)+`>; rel="`+rel+`"`)
	}
	if page > 1 {
		add(page-1, "prev")
	}
	if page < last {
		add(page+1, "next")
		add(last, "last")
	}
	if page > 1 {
		add(1, "first")
	}
	return strings.Join(parts, ", ")
}

// withPage sets page=p in rawQuery, in place when it is there, else at the
// end, keeping every other parameter and their order.
func withPage(rawQuery string, p int) string {
	var out []string
	set := false
	for _, kv := range strings.Split(rawQuery, "&") {
		if kv == "" {
			continue
		}
		if k, _, _ := strings.Cut(kv, "="); k == "page" {
			if set {
				continue
			}
			kv, set = "page="+strconv.Itoa(p), true
		}
		out = append(out, kv)
	}
	if !set {
		out = append(out, "page="+strconv.Itoa(p))
	}
	return strings.Join(out, "&")
}
