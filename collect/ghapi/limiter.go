package ghapi

import (
	"context"
	"encoding/json"
	"sync"
)

var jsonUnmarshal = json.Unmarshal

// limiter bounds the requests in flight; its capacity can be lowered while
// requests are running (after a secondary rate limit).
type limiter struct {
	mu    sync.Mutex
	cap   int
	used  int
	ready chan struct{} // closed and replaced when a slot frees
}

func newLimiter(n int) *limiter {
	return &limiter{cap: n, ready: make(chan struct{})}
}

func (l *limiter) acquire(ctx context.Context) error {
	for {
		l.mu.Lock()
		if l.used < l.cap {
			l.used++
			l.mu.Unlock()
			return nil
		}
		ch := l.ready
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

func (l *limiter) release() {
	l.mu.Lock()
	l.used--
	close(l.ready)
	l.ready = make(chan struct{})
	l.mu.Unlock()
}

// lower halves the capacity (not below 1) and returns the new capacity.
func (l *limiter) lower() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cap > 1 {
		l.cap /= 2
	}
	return l.cap
}
