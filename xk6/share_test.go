package llm

import (
	"testing"

	"go.k6.io/k6/lib"
)

func TestInstanceSharesPartitionTheVUs(t *testing.T) {
	for _, tc := range []struct {
		seq   string
		total int64
	}{
		{"0,1", 7},
		{"0,1/2,1", 9},
		{"0,1/3,2/3,1", 60},
		{"0,1/4,1/2,1", 23},
	} {
		seq, err := lib.NewExecutionSegmentSequenceFromString(tc.seq)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]int{}
		for i := 0; i < len(seq); i++ {
			share, err := segmentShare(seq[i], &seq, tc.total)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range share {
				seen[id]++
			}
		}
		for id := int64(1); id <= tc.total; id++ {
			if seen[id] != 1 {
				t.Errorf("sequence %s: VU %d owned by %d instances, want exactly 1", tc.seq, id, seen[id])
			}
		}
		if len(seen) != int(tc.total) {
			t.Errorf("sequence %s: %d ids handed out, want %d", tc.seq, len(seen), tc.total)
		}
	}
}

func TestInstanceShareWithoutSegmentsIsEveryVU(t *testing.T) {
	share, err := segmentShare(nil, nil, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(share) != 4 || share[0] != 1 || share[3] != 4 {
		t.Fatalf("share %v, want [1 2 3 4]", share)
	}
}
