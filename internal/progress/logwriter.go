package progress

import (
	"io"
	"sync"
)

// A LogWriter is the writer a logger's handler writes to (stderr, say).
// While a Display shows its live bars on a terminal, it sends the lines
// through the display, which prints them above the bars instead of into
// them; otherwise it writes them straight through. It is safe for
// concurrent use.
type LogWriter struct {
	base io.Writer

	mu  sync.Mutex
	cur io.Writer // the live display while it runs, else nil
}

// NewLogWriter returns a LogWriter writing to w.
func NewLogWriter(w io.Writer) *LogWriter { return &LogWriter{base: w} }

// Write writes p to the live display if one runs, else to the underlying
// writer.
func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	cur := l.cur
	l.mu.Unlock()
	if cur != nil {
		n, err := cur.Write(p)
		if err == nil {
			return n, nil
		}
		// The display ended between the check and the write.
	}
	return l.base.Write(p)
}

// divert sends the lines to w until the returned function is called.
func (l *LogWriter) divert(w io.Writer) (restore func()) {
	if l == nil {
		return func() {}
	}
	l.mu.Lock()
	l.cur = w
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		l.cur = nil
		l.mu.Unlock()
	}
}
