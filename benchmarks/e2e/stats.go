package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"time"
)

// percentile is the nearest-rank p-th percentile of the samples (the
// ceil(p/100 × n)-th smallest), the definition `edgeinfer bench` and
// ort_bench.js use; NaN without samples.
func percentile(samples []float64, p int) float64 {
	if len(samples) == 0 {
		return math.NaN()
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// modelResult is one model's contenders and their timings.
type modelResult struct {
	Name       string
	MACs       int64
	Contenders []*contender
}

// find returns the contender of engine, precision and threads, or nil.
func (m *modelResult) find(engine, precision string, threads int) *contender {
	for _, c := range m.Contenders {
		if c.Engine == engine && c.Precision == precision && c.Threads == threads {
			return c
		}
	}
	return nil
}

// p50 is c's median latency in ms, NaN when c is nil or has no samples.
func (c *contender) p50() float64 {
	if c == nil {
		return math.NaN()
	}
	return percentile(c.samples, 50)
}

// percentileOf is c's p-th percentile latency in ms, NaN when c is nil or
// has no samples.
func (c *contender) percentileOf(p int) float64 {
	if c == nil {
		return math.NaN()
	}
	return percentile(c.samples, p)
}

func (c *contender) p90() float64 {
	if c == nil {
		return math.NaN()
	}
	return percentile(c.samples, 90)
}

// ratio is a/b, NaN when either is.
func ratio(a, b float64) float64 { return a / b }

// manifestModel is the part of models/generated/manifest.json the report
// uses.
type manifestModel struct {
	MACs       int64 `json:"macs"`
	Params     int64 `json:"params"`
	InputShape []int `json:"input_shape"`
}

func readManifest(path string) (map[string]manifestModel, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w (generate the zoo with models/generate.sh)", err)
	}
	var m struct {
		Models map[string]manifestModel `json:"models"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m.Models, nil
}

// writeJSON writes the raw timings beside the report, for analyses the
// Markdown does not make.
func writeJSON(path string, r *report) error {
	type contenderJSON struct {
		Engine    string    `json:"engine"`
		Precision string    `json:"precision"`
		Threads   int       `json:"threads"`
		File      string    `json:"file"`
		Runtime   string    `json:"runtime,omitempty"`
		Kernels   string    `json:"kernels,omitempty"`
		P50ms     *float64  `json:"p50_ms"`
		P90ms     *float64  `json:"p90_ms"`
		SamplesMS []float64 `json:"samples_ms"`
		Error     string    `json:"error,omitempty"`
	}
	type modelJSON struct {
		Name       string          `json:"name"`
		MACs       int64           `json:"macs"`
		Contenders []contenderJSON `json:"contenders"`
	}
	finite := func(v float64) *float64 {
		if math.IsNaN(v) {
			return nil
		}
		return &v
	}
	out := struct {
		Started string      `json:"started"`
		Commit  string      `json:"commit"`
		Machine machine     `json:"machine"`
		Quick   bool        `json:"quick"`
		Models  []modelJSON `json:"models"`
	}{Started: r.Started.UTC().Format(time.RFC3339), Commit: r.Config.commit, Machine: r.Machine, Quick: r.Config.quick}
	for _, m := range r.Models {
		mj := modelJSON{Name: m.Name, MACs: m.MACs}
		for _, c := range m.Contenders {
			cj := contenderJSON{Engine: c.Engine, Precision: c.Precision, Threads: c.Threads, File: c.File,
				Runtime: c.Runtime, Kernels: c.Kernels, P50ms: finite(c.p50()), P90ms: finite(c.p90()), SamplesMS: c.samples}
			if c.err != nil {
				cj.Error = c.err.Error()
			}
			mj.Contenders = append(mj.Contenders, cj)
		}
		out.Models = append(out.Models, mj)
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// redrawChart draws the chart of a run from its JSON timings.
func redrawChart(jsonPath, pngPath string) error {
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		return err
	}
	var run struct {
		Models []struct {
			Name       string `json:"name"`
			MACs       int64  `json:"macs"`
			Contenders []struct {
				Engine    string    `json:"engine"`
				Precision string    `json:"precision"`
				Threads   int       `json:"threads"`
				SamplesMS []float64 `json:"samples_ms"`
			} `json:"contenders"`
		} `json:"models"`
	}
	if err := json.Unmarshal(b, &run); err != nil {
		return fmt.Errorf("%s: %w", jsonPath, err)
	}
	var models []*modelResult
	var threads []int
	for _, m := range run.Models {
		mr := &modelResult{Name: m.Name, MACs: m.MACs}
		for _, c := range m.Contenders {
			mr.Contenders = append(mr.Contenders, &contender{Engine: c.Engine, Precision: c.Precision, Threads: c.Threads, samples: c.SamplesMS})
			if !slices.Contains(threads, c.Threads) {
				threads = append(threads, c.Threads)
			}
		}
		models = append(models, mr)
	}
	slices.Sort(threads)
	return writeChart(pngPath, models, threads)
}
