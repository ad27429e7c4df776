package area

import "testing"

func TestRule(t *testing.T) {
	for level, want := range map[int]bool{0: false, 1: false, 2: false, 3: false, 4: false, 5: true, 6: true, 7: true, 8: false} {
		if got := IsRuralLevel(level); got != want {
			t.Errorf("IsRuralLevel(%d) = %v, want %v", level, got, want)
		}
	}
	for _, tc := range []struct {
		share float64
		want  Area
	}{{0, Urban}, {0.4999, Urban}, {0.5, Rural}, {1, Rural}} {
		if got := FromRuralShare(tc.share); got != tc.want {
			t.Errorf("FromRuralShare(%v) = %s, want %s", tc.share, got, tc.want)
		}
	}
	if FromDensity(4) != Urban || FromDensity(5) != Rural {
		t.Error("FromDensity does not follow the INSEE 2021 rule")
	}
}

func TestUnmarshalGQL(t *testing.T) {
	var a Area
	if err := a.UnmarshalGQL("RURAL"); err != nil || a != Rural {
		t.Errorf("UnmarshalGQL(RURAL) = %v, %v", a, err)
	}
	for _, bad := range []any{"rural", "", 3} {
		if err := a.UnmarshalGQL(bad); err == nil {
			t.Errorf("UnmarshalGQL(%v) accepted", bad)
		}
	}
}
