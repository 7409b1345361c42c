package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // register the decoders image.Decode picks from
	_ "image/png"
	"os"
	"time"

	"github.com/edgeinfer/edgeinfer/runtime"
)

// imageResult is one line of `run --json`.
type imageResult struct {
	File      string      `json:"file"`
	Top       []classJSON `json:"top"`
	LatencyMS real64      `json:"latency_ms"`
}

type classJSON struct {
	Index int    `json:"index"`
	Label string `json:"label"`
	Score real32 `json:"score"`
}

// runImages classifies each image and prints its top entries.
func runImages(cl *cli, modelPath string, images []string, threads, top int, asJSON bool) error {
	m, it, err := newInterpreter(modelPath, threads)
	if err != nil {
		return err
	}
	defer m.Close()
	defer it.Close()
	if m.Format().Metadata.Preprocessing == nil {
		return fmt.Errorf("%s: the model has no preprocessing metadata, so it cannot take images; use --input-raw", modelPath)
	}
	if it.InputCount() != 1 {
		return fmt.Errorf("%s: an image feeds one input; the model has %d", modelPath, it.InputCount())
	}

	enc := json.NewEncoder(cl.stdout)
	classes := make([]runtime.Class, 0, top)
	for _, path := range images {
		img, err := decodeImage(path)
		if err != nil {
			return err
		}
		if err := it.SetInputImage(0, img); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		start := time.Now()
		if err := it.Run(); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		latency := time.Since(start)
		classes = it.TopK(0, top, classes)

		if asJSON {
			r := imageResult{File: path, Top: []classJSON{}, LatencyMS: real64(milliseconds(latency))}
			for _, c := range classes {
				r.Top = append(r.Top, classJSON{Index: c.Index, Label: c.Label, Score: real32(c.Score)})
			}
			if err := enc.Encode(r); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(cl.stdout, "%s  %.3f ms\n", path, milliseconds(latency))
		for rank, c := range classes {
			fmt.Fprintf(cl.stdout, "  %2d  %9.4f  %5d  %s\n", rank+1, c.Score, c.Index, c.Label)
		}
	}
	return nil
}

// decodeImage reads a JPEG or PNG file.
func decodeImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if errors.Is(err, image.ErrFormat) {
		return nil, fmt.Errorf("%s: not a JPEG or PNG image", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

func milliseconds(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
