//go:build linux

package camera

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// CameraInfo describes one V4L2 capture node.
type CameraInfo struct {
	Path    string   `json:"path"`              // /dev/videoN
	Links   []string `json:"links,omitempty"`   // stable names: /dev/v4l/by-id/..., by-path/...
	Driver  string   `json:"driver"`            // uvcvideo, bcm2835-v4l2, ...
	Card    string   `json:"card"`              // the camera's name
	Bus     string   `json:"bus"`               // usb-0000:01:00.0-1.2, ...
	Formats []Format `json:"formats,omitempty"` // what the node can capture
	// Readable says whether edgeinfer reads at least one of its formats.
	Readable bool `json:"readable"`
}

// Format is one pixel format a camera offers.
type Format struct {
	FourCC string   `json:"fourcc"`
	Name   string   `json:"name,omitempty"` // edgeinfer's name, "" if it cannot read it
	Sizes  [][2]int `json:"sizes,omitempty"`
}

// ListCameras lists the V4L2 nodes that can stream video capture (metadata
// and codec nodes are left out), with their stable /dev/v4l links.
// Nodes that cannot be opened (permissions: the video group) are listed
// with only their path and the error in Card.
func ListCameras() ([]CameraInfo, error) {
	nodes, err := filepath.Glob("/dev/video*")
	if err != nil {
		return nil, err
	}
	slices.SortFunc(nodes, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b) // video2 before video10
		}
		return strings.Compare(a, b)
	})
	links := map[string][]string{}
	for _, dir := range []string{"/dev/v4l/by-id", "/dev/v4l/by-path"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			link := filepath.Join(dir, e.Name())
			if target, err := filepath.EvalSymlinks(link); err == nil {
				links[target] = append(links[target], link)
			}
		}
	}
	var out []CameraInfo
	for _, n := range nodes {
		info := CameraInfo{Path: n, Links: links[n]}
		d, err := openFDDevice(n)
		if err != nil {
			info.Card = "cannot open: " + err.Error()
			out = append(out, info)
			continue
		}
		driver, card, bus, caps, err := d.capabilities()
		if err != nil || caps&v4l2CapVideoCapture == 0 || caps&v4l2CapStreaming == 0 {
			d.close()
			continue
		}
		info.Driver, info.Card, info.Bus = driver, card, bus
		codes, _ := d.formats()
		for _, c := range codes {
			f := Format{FourCC: c.String(), Sizes: d.frameSizes(c)}
			if pf, ok := pixelFormatOfFourcc(c); ok {
				f.Name, info.Readable = pf.String(), true
			}
			info.Formats = append(info.Formats, f)
		}
		d.close()
		out = append(out, info)
	}
	return out, nil
}
