package ops

// LogLines is how many log lines a view keeps (and Fetch returns at most).
const LogLines = 10000

// Ring keeps the last Cap values pushed: memory stays flat however many
// go through it. It is not safe for concurrent use; its owner (a model, a
// printer) pushes and reads from one goroutine.
type Ring[T any] struct {
	buf     []T
	start   int
	n       int
	dropped int64
}

// NewRing returns a Ring holding at most capacity values (at least 1).
func NewRing[T any](capacity int) *Ring[T] {
	return &Ring[T]{buf: make([]T, max(capacity, 1))}
}

// Push adds values, dropping the oldest when full.
func (r *Ring[T]) Push(vs ...T) {
	for _, v := range vs {
		if r.n < len(r.buf) {
			r.buf[(r.start+r.n)%len(r.buf)] = v
			r.n++
			continue
		}
		r.buf[r.start] = v
		r.start = (r.start + 1) % len(r.buf)
		r.dropped++
	}
}

// Len is how many values the Ring holds.
func (r *Ring[T]) Len() int { return r.n }

// Cap is the most values the Ring holds.
func (r *Ring[T]) Cap() int { return len(r.buf) }

// Dropped is how many values were pushed out.
func (r *Ring[T]) Dropped() int64 { return r.dropped }

// At returns the i-th value, oldest first.
func (r *Ring[T]) At(i int) T { return r.buf[(r.start+i)%len(r.buf)] }

// Items returns a copy of the values, oldest first.
func (r *Ring[T]) Items() []T {
	return r.Last(r.n)
}

// Last returns a copy of the newest n values, oldest first.
func (r *Ring[T]) Last(n int) []T {
	n = min(max(n, 0), r.n)
	out := make([]T, n)
	for i := range n {
		out[i] = r.At(r.n - n + i)
	}
	return out
}

// Reset empties the Ring.
func (r *Ring[T]) Reset() {
	clear(r.buf)
	r.start, r.n, r.dropped = 0, 0, 0
}
