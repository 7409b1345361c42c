package main

import "flag"

const runSynopsis = `edgeinfer run MODEL --input-raw IN.f32 --output-raw OUT.f32 [--threads N]
edgeinfer run MODEL IMAGE... [--top K] [--json] [--threads N]`

const runDetails = `Runs the model in one of two modes.

Raw tensors (--input-raw and --output-raw): IN.f32 holds N consecutive
little-endian float32 tensors of the model's input, each in the source
model's layout and shape (NCHW for a model converted from ONNX; 'edgeinfer
inspect' shows it); N is the file size over the tensor size. OUT.f32
receives N consecutive little-endian float32 tensors of the first output,
dequantized, in that output's source layout. OUT.f32 is written to a
temporary file renamed into place: it is complete or untouched.

Images (IMAGE operands, JPEG or PNG): each image is fitted, colour-ordered
and normalized as the model's preprocessing metadata says, and the top K
entries of the first output are printed with their labels. --json prints
one JSON object per image, one per line:
  {"file": string, "top": [{"index": int, "label": string, "score": number}],
   "latency_ms": number}
latency_ms times Run alone, not decoding or preprocessing.`

func runMain(cl *cli, args []string) error {
	fs := newVerbFlags("run", runSynopsis, runDetails)
	inputRaw := fs.String("input-raw", "", "read input tensors from this raw float32 `file`")
	outputRaw := fs.String("output-raw", "", "write output tensors to this raw float32 `file`")
	threads := fs.Int("threads", 0, threadsUsage)
	top := fs.Int("top", 5, "print the `K` best entries per image")
	asJSON := fs.Bool("json", false, "print one JSON object per image")
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	if len(operands) == 0 {
		return usagef("missing MODEL operand")
	}
	n, err := resolveThreads(*threads)
	if err != nil {
		return err
	}
	model, images := operands[0], operands[1:]
	raw := set["input-raw"] || set["output-raw"]
	switch {
	case raw && len(images) > 0:
		return usagef("give --input-raw/--output-raw or IMAGE operands, not both")
	case raw && (*inputRaw == "" || *outputRaw == ""):
		return usagef("--input-raw and --output-raw go together, each with a file name")
	case raw && (set["top"] || set["json"]):
		return usagef("--top and --json apply to IMAGE operands, not to --input-raw")
	case raw:
		return runRaw(model, *inputRaw, *outputRaw, n)
	case len(images) == 0:
		return usagef("want --input-raw IN --output-raw OUT, or IMAGE operands")
	case *top < 1:
		return usagef("--top %d: want 1 or more", *top)
	}
	return runImages(cl, model, images, n, *top, *asJSON)
}
