package main

import "time"

// balancedOrders returns the orders in which k measures run, one order a
// round, cycled: a Williams design, in which each measure comes right after
// each other exactly once within the rounds of a cycle (k rounds for an
// even k, 2k for an odd one) and takes each place in the round as often. A
// measure right after a replay (connection and caches warm) and right after
// an HTTP exchange took different times, by a third for node's one
// statement when the in-turn replay always came right after the other; a
// pseudo-random order per round balanced that only on average.
func balancedOrders(k int) [][]int {
	first := make([]int, k) // 0, 1, k-1, 2, k-2, …
	lo, hi := 1, k-1
	for i := 1; i < k; i++ {
		if i%2 == 1 {
			first[i], lo = lo, lo+1
		} else {
			first[i], hi = hi, hi-1
		}
	}
	var orders [][]int
	for r := range k {
		order := make([]int, k)
		for i, m := range first {
			order[i] = (m + r) % k
		}
		orders = append(orders, order)
	}
	if k%2 == 1 { // an odd square needs its mirror to balance the pairs
		for r := range k {
			mirror := make([]int, k)
			for i, m := range orders[r] {
				mirror[k-1-i] = m
			}
			orders = append(orders, mirror)
		}
	}
	return orders
}

// runRounds runs measures round after round, each round in the next of the
// balanced orders, until rounds rounds have run or the budget is spent
// (a round already begun is finished). It returns the rounds run.
func runRounds(measures []func() error, rounds int, budget time.Duration) (int, error) {
	orders := balancedOrders(len(measures))
	start := time.Now()
	done := 0
	for ; done < rounds && time.Since(start) < budget; done++ {
		for _, m := range orders[done%len(orders)] {
			if err := measures[m](); err != nil {
				return done, err
			}
		}
	}
	return done, nil
}
