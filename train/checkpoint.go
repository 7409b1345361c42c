package train

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"os"
	"path/filepath"
)

// Checkpoint is everything a training run needs to resume: the model's
// parameters and batch-norm statistics, the optimizer's state, and the
// caller's progress record (Meta, e.g. JSON of epoch, step and curves).
type Checkpoint struct {
	Params    map[string][]float32
	Stats     map[string][]float32 // batch-norm running means and variances, fake-quant ranges
	Optimizer [][]float32
	Meta      []byte
}

// Snapshot captures m and opt (nil: none).
func Snapshot(m *Model, opt Optimizer, meta []byte) *Checkpoint {
	c := &Checkpoint{Params: map[string][]float32{}, Stats: map[string][]float32{}, Meta: meta}
	for _, p := range m.Params() {
		c.Params[p.Name] = append([]float32(nil), p.Value...)
	}
	for _, n := range m.Nodes {
		switch op := n.Op.(type) {
		case *BatchNorm:
			c.Stats[n.Name+".running_mean"] = append([]float32(nil), op.RunMean...)
			c.Stats[n.Name+".running_var"] = append([]float32(nil), op.RunVar...)
		case *FakeQuant:
			if op.ranged {
				c.Stats[n.Name+".range"] = []float32{op.Lo, op.Hi}
			}
		}
	}
	if opt != nil {
		for _, s := range opt.State() {
			c.Optimizer = append(c.Optimizer, append([]float32(nil), s...))
		}
	}
	return c
}

// Restore loads c into m and opt (nil: skip), checking every parameter
// is present with the right size.
func (c *Checkpoint) Restore(m *Model, opt Optimizer) error {
	for _, p := range m.Params() {
		v, ok := c.Params[p.Name]
		if !ok || len(v) != len(p.Value) {
			return fmt.Errorf("train: checkpoint has no parameter %q of %d values", p.Name, len(p.Value))
		}
		copy(p.Value, v)
	}
	for _, n := range m.Nodes {
		switch op := n.Op.(type) {
		case *BatchNorm:
			mean, vr := c.Stats[n.Name+".running_mean"], c.Stats[n.Name+".running_var"]
			if len(mean) != op.C || len(vr) != op.C {
				return fmt.Errorf("train: checkpoint has no batch-norm statistics for %q", n.Name)
			}
			copy(op.RunMean, mean)
			copy(op.RunVar, vr)
		case *FakeQuant:
			if r, ok := c.Stats[n.Name+".range"]; ok && len(r) == 2 {
				op.SetRange(r[0], r[1])
			}
		}
	}
	if opt != nil {
		s := make([][]float32, len(c.Optimizer))
		for i, v := range c.Optimizer {
			s[i] = append([]float32(nil), v...)
		}
		if err := opt.SetState(s); err != nil {
			return err
		}
	}
	return nil
}

// Save writes c to path atomically: to a temporary file in the same
// folder, synced, then renamed over path, so a kill leaves either the old
// checkpoint or the new one.
func (c *Checkpoint) Save(path string) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(c); err != nil {
		return fmt.Errorf("train: encode checkpoint: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(buf.Bytes())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("train: save checkpoint %s: %w", path, err)
	}
	return nil
}

// LoadCheckpoint reads a checkpoint written by Save.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := new(Checkpoint)
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(c); err != nil {
		return nil, fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	return c, nil
}
