package fakegithub

import (
	"encoding/base64"
	"net/http"
	"net/url"
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

// A PageLimit is how far a listing may be paged by number. GitHub refuses
// deep page numbers of some large listings with 422 "Pagination with the
// page parameter is not supported for large datasets, please use cursor
// based pagination (after/before)", while the earlier pages' Link headers
// still name the last page by number.
type PageLimit struct {
	// MaxPage is the last page a page=N request is answered for; a
	// deeper one answers 422.
	MaxPage int
	// Cursor serves the pages after MaxPage through cursors: page MaxPage's
	// rel="next" link, and each later one, carries after=CURSOR instead of
	// a page number. Without it the next link of page MaxPage leads to the
	// 422, so the listing cannot be read to its end.
	Cursor bool
}

const msgPageRefused = "Pagination with the page parameter is not supported for large datasets, please use cursor based pagination (after/before)"

// paginate returns the bounds of the requested page of n items and its
// Link header, or the 422 a PageLimit answers.
func (c *call) paginate(n int, base string) (start, end int, link string, refused *response) {
	raw := c.r.URL.RawQuery
	lim, limited := c.s.opts.PageLimits[c.route]
	if !limited {
		lim, limited = c.s.opts.PageLimits[""]
	}
	_, perPage := pageParams(raw)
	if limited && lim.Cursor && c.q.Has("after") {
		off, ok := decodeCursor(c.q.Get("after"))
		if !ok {
			r := errorResponse(http.StatusUnprocessableEntity, "Invalid cursor value for parameter 'after'", docsRoot)
			return 0, 0, "", &r
		}
		start = min(off, n)
		end = min(start+perPage, n)
		if end < n {
			link = "<" + base + "?" + withCursor(raw, end) + `>; rel="next"`
		}
		return start, end, link, nil
	}
	page, _ := pageParams(raw)
	if limited && page > lim.MaxPage {
		r := errorResponse(http.StatusUnprocessableEntity, msgPageRefused, docsRoot)
		return 0, 0, "", &r
	}
	total := n
	start = min((page-1)*perPage, total)
	if page-1 > total/perPage+1 {
		start = total
	}
	end = min(start+perPage, total)
	last := (total + perPage - 1) / perPage
	link = linkHeader(base, raw, page, last)
	if limited && lim.Cursor && page == lim.MaxPage && end < n {
		numbered := "<" + base + "?" + withPage(raw, page+1) + `>; rel="next"`
		link = strings.Replace(link, numbered, "<"+base+"?"+withCursor(raw, end)+`>; rel="next"`, 1)
	}
	return start, end, link, nil
}

// withCursor drops page from rawQuery and sets after to the cursor of the
// item at offset off.
func withCursor(rawQuery string, off int) string {
	var out []string
	for _, kv := range strings.Split(rawQuery, "&") {
		if k, _, _ := strings.Cut(kv, "="); kv == "" || k == "page" || k == "after" {
			continue
		}
		out = append(out, kv)
	}
	return strings.Join(append(out, "after="+url.QueryEscape(encodeCursor(off))), "&")
}

func encodeCursor(off int) string {
	return base64.StdEncoding.EncodeToString([]byte("cursor:v2:" + strconv.Itoa(off)))
}

func decodeCursor(s string) (int, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	v, ok := strings.CutPrefix(string(b), "cursor:v2:")
	n, err := strconv.Atoi(v)
	return n, ok && err == nil && n >= 0
}
