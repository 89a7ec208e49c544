package ghgraphql

import "math"

// OnePoint is the most connection requests a query may need and still
// cost one point: GitHub divides the requests by 100 and rounds.
const OnePoint = 149

// PageSize is the largest page (at most 100) of a listing whose items each
// carry perItem nested connections (a nested connection of a nested
// connection counts once per outer item) that keeps a query at one point.
func PageSize(perItem int) int {
	return max(1, min(100, (OnePoint-1)/max(perItem, 1)))
}

// Points is what GitHub's formula charges for a page of first items, each
// with perItem nested connections: (1 + first*perItem) requests / 100,
// rounded, at least 1.
func Points(first, perItem int) int {
	return max(1, int(math.Round(float64(1+first*max(perItem, 0))/100)))
}

// A Pager keeps one listing's page size: halved when GitHub times out or
// answers in part, grown back (doubled, up to the size it started at)
// after two answers in a row.
type Pager struct {
	size, max, ok int
}

// NewPager returns a pager starting at size.
func NewPager(size int) *Pager { return &Pager{size: max(size, 1), max: max(size, 1)} }

// Size is the page size to ask for now.
func (p *Pager) Size() int { return p.size }

// Failed halves the page size; false when it is 1 already.
func (p *Pager) Failed() bool {
	p.ok = 0
	if p.size <= 1 {
		return false
	}
	p.size /= 2
	return true
}

// Succeeded notes an answer; after two in a row the size grows.
func (p *Pager) Succeeded() {
	p.ok++
	if p.ok >= 2 && p.size < p.max {
		p.size = min(p.size*2, p.max)
		p.ok = 0
	}
}
