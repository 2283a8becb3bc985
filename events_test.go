package llog

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestEventString pins the one-line descriptions that commands print as
// warnings.
func TestEventString(t *testing.T) {
	for _, tc := range []struct {
		e    Event
		want string
	}{
		{Event{Kind: EventQueueHigh, QueueDepth: 3277, QueueCapacity: 4096}, "queue-high: queue at 3277 of 4096 records"},
		{Event{Kind: EventDropped, Dropped: Drops{Newest: 3, Oldest: 1, Failed: 2}},
			"dropped: 6 records dropped (queue full 3, evicted 1, caller gave up 0, writer failed 2)"},
		{Event{Kind: EventSegmentRotated, Segment: "00000000000000000513.seg"}, "segment-rotated: started 00000000000000000513.seg"},
		{Event{Kind: EventTornTail, Segment: "00000000000000000001.seg", Offset: 4096, Bytes: 17},
			"torn-tail: truncated 17 bytes never acknowledged at 00000000000000000001.seg offset 4096"},
		{Event{Kind: EventSlowSync, Segment: "00000000000000000001.seg", Duration: 812345678 * time.Nanosecond},
			"slow-sync: fsync of 00000000000000000001.seg took 812ms"},
		{Event{Kind: EventFailed, Err: errors.New("llog: store failed: input/output error")}, "failed: llog: store failed: input/output error"},
		{Event{Kind: EventSlowSync, Segment: "x.seg", Duration: 1234567 * time.Nanosecond}, "slow-sync: fsync of x.seg took 1.235ms"},
		{Event{Kind: EventIndexCaughtUp, Records: 12, Rebuilt: true, Duration: time.Second}, "index-caught-up: index rebuilt from 12 records in 1s"},
		{Event{Kind: EventIndexFailed, Err: errors.New("disk full")},
			"index-failed: disk full; queries read the segments and the next open rebuilds the index, no data is affected"},
		{Event{Kind: EventRetention, Removed: &Removal{First: 1, Last: 512, Segments: []string{"a", "b"}, Policy: "max-records"}},
			"retention: removed seq 1-512 (2 segments, max-records)"},
		{Event{Kind: EventRetentionHeld, Err: errors.New("clock before the newest record")}, "retention-held: max-age retention held: clock before the newest record"},
		{Event{Kind: EventCheckpointFailed, Err: errors.New("sign checkpoint 12: hsm unreachable")},
			"checkpoint-failed: sign checkpoint 12: hsm unreachable; records are not affected"},
		{Event{Kind: EventRecordsLost, Removed: &Removal{First: 41, Last: 60, Reason: "index.db had seen records up to 60 committed"}},
			"records-lost: acknowledged records 41 to 60 are gone (index.db had seen records up to 60 committed); the loss is recorded in the log and verify reports it until 'llog repair' accepts it; the next record is 61"},
		{Event{Kind: EventRetention}, "retention"},
		{Event{Kind: 99}, "EventKind(99)"},
	} {
		if got := tc.e.String(); got != tc.want {
			t.Errorf("%v:\n got %q\nwant %q", tc.e.Kind, got, tc.want)
		}
	}
}

func TestEventKindIsWarning(t *testing.T) {
	var warnings []string
	for k := EventQueueHigh; k <= EventRecordsLost; k++ {
		if k.IsWarning() {
			warnings = append(warnings, k.String())
		}
	}
	if got := fmt.Sprint(warnings); got != "[dropped torn-tail slow-sync index-failed retention-held checkpoint-failed records-lost]" {
		t.Errorf("warning kinds %s", got)
	}
}
