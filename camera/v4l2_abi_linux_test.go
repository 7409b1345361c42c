//go:build linux

package camera

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"
)

// The Go mirrors of the V4L2 structures and ioctl numbers must match the
// kernel headers: a C program compiled against <linux/videodev2.h>
// (Debian's linux-libc-dev) prints the C sizes, offsets and request
// numbers. On amd64 with linux-libc-dev 6.1 they were: capability 104,
// fmtdesc 64, format 208 (fmt at 8), pix_format 48, requestbuffers 20,
// buffer 88 (timestamp 24, sequence 56, m 64, length 72), frmsizeenum 44,
// VIDIOC_QUERYCAP 0x80685600, VIDIOC_DQBUF 0xc0585611, VIDIOC_S_FMT
// 0xc0d05605.
func TestV4L2ABIMatchesKernelHeaders(t *testing.T) {
	if _, err := os.Stat("/usr/include/linux/videodev2.h"); err != nil {
		t.Skip("no kernel headers (apt install linux-libc-dev)")
	}
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler")
	}
	const program = `#include <stdio.h>
#include <stddef.h>
#include <linux/videodev2.h>
#define S(t) printf(#t " %zu\n", sizeof(struct t))
#define O(t, f) printf(#t "." #f " %zu\n", offsetof(struct t, f))
#define R(r) printf(#r " %lu\n", (unsigned long)r)
int main(void) {
	S(v4l2_capability); O(v4l2_capability, capabilities); O(v4l2_capability, device_caps);
	S(v4l2_fmtdesc); O(v4l2_fmtdesc, pixelformat);
	S(v4l2_format); O(v4l2_format, fmt);
	S(v4l2_pix_format); O(v4l2_pix_format, bytesperline); O(v4l2_pix_format, quantization);
	S(v4l2_requestbuffers); O(v4l2_requestbuffers, capabilities);
	S(v4l2_buffer); O(v4l2_buffer, timestamp); O(v4l2_buffer, sequence); O(v4l2_buffer, memory);
	O(v4l2_buffer, m); O(v4l2_buffer, length); O(v4l2_buffer, request_fd);
	S(v4l2_frmsizeenum); O(v4l2_frmsizeenum, type);
	R(VIDIOC_QUERYCAP); R(VIDIOC_ENUM_FMT); R(VIDIOC_G_FMT); R(VIDIOC_S_FMT); R(VIDIOC_REQBUFS);
	R(VIDIOC_QUERYBUF); R(VIDIOC_QBUF); R(VIDIOC_DQBUF); R(VIDIOC_STREAMON); R(VIDIOC_STREAMOFF);
	R(VIDIOC_ENUM_FRAMESIZES);
	return 0;
}
`
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "abi.c"), filepath.Join(dir, "abi")
	if err := os.WriteFile(src, []byte(program), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(cc, "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]uintptr{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var k string
		var v uintptr
		if _, err := fmt.Sscan(line, &k, &v); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		want[k] = v
	}
	var (
		c  v4l2Capability
		d  v4l2FmtDesc
		f  v4l2Format
		p  v4l2PixFormat
		rb v4l2RequestBuffers
		b  v4l2Buffer
		fs v4l2FrmSizeEnum
	)
	got := map[string]uintptr{
		"v4l2_capability": unsafe.Sizeof(c), "v4l2_capability.capabilities": unsafe.Offsetof(c.Capabilities),
		"v4l2_capability.device_caps": unsafe.Offsetof(c.DeviceCaps),
		"v4l2_fmtdesc":                unsafe.Sizeof(d), "v4l2_fmtdesc.pixelformat": unsafe.Offsetof(d.PixelFormat),
		"v4l2_format": unsafe.Sizeof(f), "v4l2_format.fmt": unsafe.Offsetof(f.Fmt),
		"v4l2_pix_format": unsafe.Sizeof(p), "v4l2_pix_format.bytesperline": unsafe.Offsetof(p.BytesPerLine),
		"v4l2_pix_format.quantization": unsafe.Offsetof(p.Quantization),
		"v4l2_requestbuffers":          unsafe.Sizeof(rb), "v4l2_requestbuffers.capabilities": unsafe.Offsetof(rb.Capabilities),
		"v4l2_buffer": unsafe.Sizeof(b), "v4l2_buffer.timestamp": unsafe.Offsetof(b.Timestamp),
		"v4l2_buffer.sequence": unsafe.Offsetof(b.Sequence), "v4l2_buffer.memory": unsafe.Offsetof(b.Memory),
		"v4l2_buffer.m": unsafe.Offsetof(b.M), "v4l2_buffer.length": unsafe.Offsetof(b.Length),
		"v4l2_buffer.request_fd": unsafe.Offsetof(b.RequestFD),
		"v4l2_frmsizeenum":       unsafe.Sizeof(fs), "v4l2_frmsizeenum.type": unsafe.Offsetof(fs.Type),
		"VIDIOC_QUERYCAP": vidiocQueryCap, "VIDIOC_ENUM_FMT": vidiocEnumFmt, "VIDIOC_G_FMT": vidiocGFmt,
		"VIDIOC_S_FMT": vidiocSFmt, "VIDIOC_REQBUFS": vidiocReqBufs, "VIDIOC_QUERYBUF": vidiocQueryBuf,
		"VIDIOC_QBUF": vidiocQBuf, "VIDIOC_DQBUF": vidiocDQBuf, "VIDIOC_STREAMON": vidiocStreamOn,
		"VIDIOC_STREAMOFF": vidiocStreamOff, "VIDIOC_ENUM_FRAMESIZES": vidiocEnumFrameSize,
	}
	if len(want) != len(got) {
		t.Fatalf("the C program printed %d values, the test checks %d", len(want), len(got))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: Go %d (%#x), C %d (%#x)", k, got[k], got[k], w, w)
		}
	}
}
