package runtime

import "slices"

// placementStrategy orders buffers and places each at a gap among the
// already placed buffers it overlaps in time.
type placementStrategy struct {
	name  string
	place func(bufs []buffer, end int) (offsets []int, total int)
}

var placementStrategies = []placementStrategy{
	{"greedy-by-size", placeBySize},
	{"greedy-by-breadth", placeByBreadth},
	{"first-fit", placeFirstFit},
}

// placeBySize is TFLite's ArenaPlanner: largest buffers first, each in the
// tightest gap that fits.
func placeBySize(bufs []buffer, _ int) ([]int, int) {
	order := make([]int, len(bufs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if bufs[a].size != bufs[b].size {
			return bufs[b].size - bufs[a].size
		}
		return bufs[a].first - bufs[b].first
	})
	return placeInOrder(bufs, order, true)
}

// placeByBreadth is greedy-by-breadth (Pisarchyk & Lee, 2020): visit ops
// from the one with the most live bytes down, placing each op's still
// unplaced live buffers largest first, each in the tightest gap.
func placeByBreadth(bufs []buffer, end int) ([]int, int) {
	breadth := make([]int, end+1)
	for t := range breadth {
		for i := range bufs {
			if bufs[i].first <= t && t <= bufs[i].last {
				breadth[t] += bufs[i].size
			}
		}
	}
	steps := make([]int, end+1)
	for i := range steps {
		steps[i] = i
	}
	slices.SortStableFunc(steps, func(a, b int) int { return breadth[b] - breadth[a] })
	queued := make([]bool, len(bufs))
	order := make([]int, 0, len(bufs))
	for _, t := range steps {
		start := len(order)
		for i := range bufs {
			if !queued[i] && bufs[i].first <= t && t <= bufs[i].last {
				queued[i] = true
				order = append(order, i)
			}
		}
		slices.SortStableFunc(order[start:], func(a, b int) int { return bufs[b].size - bufs[a].size })
	}
	for i := range bufs { // buffers live at no op (none in a valid plan)
		if !queued[i] {
			order = append(order, i)
		}
	}
	return placeInOrder(bufs, order, true)
}

// placeFirstFit places buffers in execution order at the lowest gap that fits.
func placeFirstFit(bufs []buffer, _ int) ([]int, int) {
	order := make([]int, len(bufs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if bufs[a].first != bufs[b].first {
			return bufs[a].first - bufs[b].first
		}
		return bufs[b].size - bufs[a].size
	})
	return placeInOrder(bufs, order, false)
}

// placeInOrder places bufs in the given order. Each buffer goes into a gap
// between the placed buffers that overlap it in time: the tightest one when
// bestFit, else the lowest; with no gap, on top of them.
func placeInOrder(bufs []buffer, order []int, bestFit bool) ([]int, int) {
	offsets := make([]int, len(bufs))
	placed := make([]int, 0, len(bufs)) // kept sorted by offset
	total := 0
	for _, b := range order {
		buf := &bufs[b]
		at, bestGap := -1, 0
		cur := 0
		for _, p := range placed {
			if !buf.overlaps(&bufs[p]) {
				continue
			}
			if gap := offsets[p] - cur; gap >= buf.size && (at < 0 || gap < bestGap) {
				at, bestGap = cur, gap
				if !bestFit || gap == buf.size {
					break
				}
			}
			cur = max(cur, offsets[p]+bufs[p].size)
		}
		if at < 0 {
			at = cur
		}
		offsets[b] = at
		total = max(total, at+buf.size)
		i, _ := slices.BinarySearchFunc(placed, at, func(p, off int) int { return offsets[p] - off })
		placed = slices.Insert(placed, i, b)
	}
	return offsets, total
}
