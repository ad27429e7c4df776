package main

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestBalancedOrders(t *testing.T) {
	for _, k := range []int{1, 2, 3, 4, 5, 6} {
		orders := balancedOrders(k)
		wantRounds := k
		if k%2 == 1 {
			wantRounds = 2 * k
		}
		if len(orders) != wantRounds {
			t.Fatalf("k=%d: %d orders, want %d", k, len(orders), wantRounds)
		}
		after := map[[2]int]int{}
		place := map[[2]int]int{}
		for _, o := range orders {
			sorted := slices.Sorted(slices.Values(o))
			for i := range k {
				if sorted[i] != i {
					t.Fatalf("k=%d: order %v is not a permutation", k, o)
				}
			}
			for i, m := range o {
				place[[2]int{m, i}]++
				if i > 0 {
					after[[2]int{o[i-1], m}]++
				}
			}
		}
		for a := range k {
			for b := range k {
				if a == b {
					continue
				}
				if n := after[[2]int{a, b}]; n != wantRounds/k {
					t.Errorf("k=%d: %d right after %d %d times, want %d", k, b, a, n, wantRounds/k)
				}
			}
			for i := range k {
				if n := place[[2]int{a, i}]; n != wantRounds/k {
					t.Errorf("k=%d: %d in place %d %d times, want %d", k, a, i, n, wantRounds/k)
				}
			}
		}
	}
}

func TestRunRounds(t *testing.T) {
	var ran []int
	measure := func(i int) func() error { return func() error { ran = append(ran, i); return nil } }
	measures := []func() error{measure(0), measure(1), measure(2), measure(3)}
	n, err := runRounds(measures, 5, time.Minute)
	if err != nil || n != 5 {
		t.Fatalf("runRounds = %d, %v; want 5 rounds", n, err)
	}
	orders := balancedOrders(4)
	want := slices.Concat(orders[0], orders[1], orders[2], orders[3], orders[0])
	if !slices.Equal(ran, want) {
		t.Fatalf("ran %v, want %v", ran, want)
	}

	boom := errors.New("boom")
	calls := 0
	failing := []func() error{func() error { calls++; return boom }, func() error { calls++; return nil }}
	if _, err := runRounds(failing, 3, time.Minute); !errors.Is(err, boom) {
		t.Fatalf("runRounds error = %v, want %v", err, boom)
	}
	if calls > 2 {
		t.Fatalf("%d measures ran after the error", calls)
	}

	if n, _ := runRounds(measures, 100, 0); n != 0 {
		t.Fatalf("no budget: %d rounds, want 0", n)
	}
}
