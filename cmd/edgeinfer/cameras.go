package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/edgeinfer/edgeinfer/camera"
)

const camerasDetails = `Lists the V4L2 video capture devices (USB webcams; metadata, codec and ISP
nodes are left out) with their stable /dev/v4l links, driver, and the pixel
formats and sizes they offer; formats edgeinfer reads carry its name for
them (--format). Pi CSI cameras are read through rpicam-vid instead: see
'edgeinfer camera -h'. Devices need read access (the video group).`

func camerasMain(cl *cli, args []string) error {
	fs := newVerbFlags("cameras", "edgeinfer cameras [--json]", camerasDetails)
	asJSON := fs.Bool("json", false, "print JSON")
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	if len(operands) != 0 {
		return usagef("cameras takes no operands, got %q", operands)
	}
	cams, err := camera.ListCameras()
	if err != nil {
		return err
	}
	if *asJSON {
		if cams == nil {
			cams = []camera.CameraInfo{}
		}
		enc := json.NewEncoder(cl.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cams)
	}
	if len(cams) == 0 {
		fmt.Fprintln(cl.stdout, "no V4L2 capture devices (for a Pi CSI camera use --source 'pipe:rpicam-vid ...'; see 'edgeinfer camera -h')")
		return nil
	}
	for _, c := range cams {
		fmt.Fprintf(cl.stdout, "%s", c.Path)
		for _, l := range c.Links {
			fmt.Fprintf(cl.stdout, "  %s", l)
		}
		fmt.Fprintf(cl.stdout, "\n  %s (driver %s, bus %s)\n", c.Card, c.Driver, c.Bus)
		for _, f := range c.Formats {
			name := "not readable"
			if f.Name != "" {
				name = "--format " + f.Name
			}
			var sizes []string
			for _, s := range f.Sizes {
				sizes = append(sizes, fmt.Sprintf("%dx%d", s[0], s[1]))
			}
			fmt.Fprintf(cl.stdout, "  %s (%s) %s\n", f.FourCC, name, strings.Join(sizes, " "))
		}
	}
	return nil
}
