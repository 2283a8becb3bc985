package llog

import (
	"errors"
	"math"
	"slices"
	"time"

	"github.com/lowlightlog/llog/chain"
)

// Filter selects records. The zero Filter selects every record, oldest
// first.
type Filter struct {
	// Since and Until bound the records' Time: Since is inclusive, Until
	// exclusive; zero means unbounded. Times come from the device clock and
	// can go backwards: records are always returned in sequence order, the
	// time bounds only select.
	Since, Until time.Time
	// Models selects records whose Model is one of these; empty means all.
	Models []string
	// AfterSeq selects records with Seq > AfterSeq.
	AfterSeq uint64
	// Limit is the most records a Query returns; 0 means no limit.
	Limit int
	// Reverse makes a Query return the newest records first.
	Reverse bool
}

// Match reports whether r passes the filter's selection (Limit and Reverse
// aside).
func (f *Filter) Match(r *Record) bool {
	s := f.selection()
	return matches(&s, r.Seq, unixNano(r.Time), r.Model)
}

// selection is the one predicate behind every way of reading records: a
// Filter's selection in the form the three levels of a query check. A
// summary of a range of records (an index block or segment) can hold a
// match (span); a record's sequence number, time and model, read without
// decoding the rest, match (record, entry); a whole Record matches (Match).
type selection struct {
	after    uint64
	min, max int64 // inclusive bounds of the time, Unix nanoseconds
	none     bool  // the bounds exclude every time a record can hold
	models   []string
	hasher   chain.Hasher // checks each matching record against its digest
}

// selection compiles the filter.
func (f *Filter) selection() selection {
	s := selection{after: f.AfterSeq, min: math.MinInt64, max: math.MaxInt64, models: f.Models}
	if !f.Since.IsZero() {
		s.min = unixNano(f.Since)
		s.none = f.Since.After(time.Unix(0, math.MaxInt64)) // after every time a record can hold
	}
	if !f.Until.IsZero() {
		switch u := unixNano(f.Until); {
		case u == math.MinInt64:
			s.none = true // at or before every time a record can hold
		case f.Until.After(time.Unix(0, math.MaxInt64)):
			// Beyond every time a record can hold.
		default:
			s.max = u - 1
		}
	}
	return s
}

// unixNano returns t in Unix nanoseconds, clamped to the int64 range (a
// record's time is stored in it; a filter's bound may lie outside).
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// span reports whether a range of records — sequence numbers up to last,
// times from minT to maxT, these models — can hold a match.
func (s *selection) span(last uint64, minT, maxT int64, models []string) bool {
	if s.none || last <= s.after || maxT < s.min || minT > s.max {
		return false
	}
	return len(s.models) == 0 || slices.ContainsFunc(models, func(m string) bool { return slices.Contains(s.models, m) })
}

// matches reports whether a record with this sequence number, time and
// model matches s. model is a Record's Model or the model's bytes in a
// record body; comparing them does not allocate.
func matches[M ~string | ~[]byte](s *selection, seq uint64, t int64, model M) bool {
	if s.none || seq <= s.after || t < s.min || t > s.max {
		return false
	}
	if len(s.models) == 0 {
		return true
	}
	for _, m := range s.models {
		if string(model) == m {
			return true
		}
	}
	return false
}

// entry decodes the wal entry (digest, then record body) of record seq into
// r when it matches, reading the time and model first so that a record
// that does not match is not decoded. prev is the digest of the record
// before it. A matching record whose body does not decode, or does not
// hash with prev to its stored digest, yields a *SkipError (without its
// segment and offset, which the caller fills in); a record of a newer
// version is an error that stops the query.
func (s *selection) entry(seq uint64, data []byte, prev chain.Digest, r *Record) (bool, error) {
	if s.none || seq <= s.after {
		return false, nil
	}
	body := data[hashSize:]
	t, model, err := peekRecord(body)
	if err != nil {
		return false, skipRecord(seq, err)
	}
	if !matches(s, seq, t, model) {
		return false, nil
	}
	if err := decodeRecord(body, r); err != nil {
		return false, skipRecord(seq, err)
	}
	r.Seq = seq
	r.PrevHash = prev
	copy(r.Hash[:], data[:hashSize])
	if s.hasher.Next(prev, seq, body) != r.Hash {
		return false, &SkipError{First: seq, Last: seq, Err: errDigestMismatch}
	}
	return true, nil
}

// errDigestMismatch is why a query skips a record whose body and previous
// digest do not hash to its stored digest.
var errDigestMismatch = errors.New("the record does not match its stored digest")

// skipRecord turns the error decoding record seq into a *SkipError, unless
// the record is of a newer version, which is not damage.
func skipRecord(seq uint64, err error) error {
	if errors.Is(err, ErrNewerVersion) {
		return err
	}
	return &SkipError{First: seq, Last: seq, Err: err}
}

// emitter hands a query's records to its caller and stops the query at the
// filter's limit or when the caller stops iterating.
type emitter struct {
	yield func(Record, error) bool
	limit int
	n     int
}

// skip yields what the query skipped. It returns errStop when the query
// must stop.
func (e *emitter) skip(s *SkipError) error {
	if !e.yield(Record{}, s) {
		return errStop
	}
	return nil
}

// emit yields r. It returns errStop when the query must stop.
func (e *emitter) emit(r Record) error {
	if !e.yield(r, nil) {
		return errStop
	}
	if e.n++; e.limit > 0 && e.n >= e.limit {
		return errStop
	}
	return nil
}

// runQuery runs a query that emits through e, yielding the error that stops it
// unless it is errStop.
func runQuery(yield func(Record, error) bool, limit int, q func(e *emitter) error) {
	if err := q(&emitter{yield: yield, limit: limit}); err != nil && !errors.Is(err, errStop) {
		yield(Record{}, err)
	}
}

// errStop ends a query early without an error.
var errStop = errors.New("stop")
