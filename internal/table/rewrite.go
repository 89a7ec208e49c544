package table

import "context"

// Rewrite streams the table at src through fn into a new table at dst,
// batch by batch: fn returns the output row and whether to keep it. dst may
// be src: the new file replaces the old one only once it is complete. It
// returns the number of rows written. dst keeps src's analysis metadata
// (see Inherited).
func Rewrite[In, Out any](ctx context.Context, src, dst string, fn func(*In) (Out, bool)) (int64, error) {
	inherit, err := Inherited(src)
	if err != nil {
		return 0, err
	}
	w, err := Create[Out](dst, inherit)
	if err != nil {
		return 0, err
	}
	out := make([]Out, 0, BatchSize)
	err = Scan(src, func(batch []In) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		out = out[:0]
		for i := range batch {
			if row, keep := fn(&batch[i]); keep {
				out = append(out, row)
			}
		}
		return w.Write(out...)
	})
	if err != nil {
		w.Abort()
		return 0, err
	}
	return w.Rows(), w.Close()
}
