//go:build gc && !purego && linux

package amd64

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// TestGemm8x32VNNI512Bochs runs the AVX-512 VNNI tile, the only routine of
// this package that needs AVX-512, on the bochs x86 emulator (its
// "tigerlake" CPU model has AVX-512 F/BW/VL/VNNI), so that machines without
// AVX-512 VNNI, this project's CI among them, still compare it with its Go
// twin byte for byte, guard bands included, on the cases of
// TestGemm8x32VNNI512.
//
// There is no operating system in the guest: testdata/bochs/guest.S boots,
// enters long mode with AVX-512 state enabled, loads the routine's machine
// code and read-only data at their addresses in this test binary (so its
// RIP-relative references hold), loads each case's operands, calls the
// routine with Go's ABI0 stack layout and prints the output buffers on
// port 0xe9. A linked Linux kernel was tried first and refuses bochs 2.7's
// XSAVE layout (docs/DESIGN.md).
//
// Requires bochs, bochsbios and vgabios (Debian packages) and binutils; it
// is skipped without them unless EDGEINFER_REQUIRE_BOCHS=1, which
// scripts/test-avx512vnni.sh (run by .ci/run) sets.
func TestGemm8x32VNNI512Bochs(t *testing.T) {
	requireBochs(t)
	dir := t.TempDir()
	guest := buildBochsGuest(t, dir)

	img := &bochsImage{next: bochsDataBase}
	// go test runs a binary without a symbol table; build one with it.
	exe := filepath.Join(dir, "amd64.test")
	if out, err := exec.Command("go", "test", "-c", "-o", exe, ".").CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	code, fn, err := readRoutine(exe, "github.com/edgeinfer/edgeinfer/kernels/amd64.gemm8x32VNNI512.abi0", "gemm_avx512_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	img.segments = append(img.segments, code...)

	cases := gemm8x32VNNI512Cases()
	want := make([][]byte, len(cases))
	dumps := make([]bochsDump, len(cases))
	for i, c := range cases {
		n := 7*c.cStride + 32*c.blocks
		region := bytes.Repeat([]byte{byte(gemmGuard)}, 64+n+64)
		q := unsafe.Slice((*byte)(unsafe.Pointer(c.q)), unsafe.Sizeof(*c.q))
		aVA, bVA, qVA := img.place(c.a), img.place(c.b), img.place(q)
		rVA := img.place(region)
		img.calls = append(img.calls, bochsCall{fn: fn, args: []uint64{
			aVA, bVA, uint64(c.kp), rVA + 64, uint64(c.cStride), qVA, uint64(c.blocks)}})
		dumps[i] = bochsDump{va: rVA, n: uint64(len(region))}
		Gemm8x32VNNI512Go(c.a, c.b, c.kp, c.blocks, int8s(region[64:64+n]), c.cStride, c.q)
		want[i] = region
	}
	img.dumps = dumps
	if top := code[len(code)-1].va + uint64(len(code[len(code)-1].data)); top > bochsDataBase {
		t.Fatalf("the test binary's routine ends at %#x, above the guest's data base %#x", top, bochsDataBase)
	}

	start := time.Now()
	got, err := runBochs(t, dir, guest, img)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bochs ran %d calls of gemm8x32VNNI512 (%d bytes of operands) in %v",
		len(cases), img.next-bochsDataBase, time.Since(start).Round(time.Millisecond))
	if len(got) != len(want) {
		t.Fatalf("bochs printed %d output buffers, want %d", len(got), len(want))
	}
	for i, c := range cases {
		if !bytes.Equal(got[i], want[i]) {
			first := 0
			for first < len(want[i]) && got[i][first] == want[i][first] {
				first++
			}
			where := "in the output"
			if first < 64 || first >= len(want[i])-64 {
				where = "in a guard band"
			}
			t.Errorf("%s: the AVX-512 tile in bochs differs from the Go twin at byte %d of the guarded buffer (%s): got %d, want %d",
				c, first, where, int8(got[i][first]), int8(want[i][first]))
		}
	}
}

// TestBochsGuestReportsFault checks that a routine that faults in the
// guest fails the run with the guest's report, rather than hanging it or
// passing: the one call jumps above the 4 GiB the guest maps.
func TestBochsGuestReportsFault(t *testing.T) {
	requireBochs(t)
	dir := t.TempDir()
	img := &bochsImage{next: bochsDataBase, calls: []bochsCall{{fn: 1 << 33}}}
	_, err := runBochs(t, dir, buildBochsGuest(t, dir), img)
	t.Logf("guest report: %v", err)
	// A page fault (vector 14) pushes error code, RIP and CS: the RIP is
	// the unmapped target.
	if err == nil || !strings.Contains(err.Error(), "FAULT") || !strings.Contains(err.Error(), "0000000200000000") {
		t.Fatalf("want the guest's fault report at RIP 0x200000000, got %v", err)
	}
}

// requireBochs skips the test, or fails it under EDGEINFER_REQUIRE_BOCHS=1,
// when bochs, its BIOS images, binutils or go are missing.
func requireBochs(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"bochs", "as", "ld", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			bochsUnavailable(t, tool+" is not installed (apt-get install bochs bochsbios vgabios binutils)")
		}
	}
	for _, f := range []string{bochsBIOS, bochsVGABIOS} {
		if _, err := os.Stat(f); err != nil {
			bochsUnavailable(t, f+" is missing (apt-get install bochsbios vgabios)")
		}
	}
}

// bochsUnavailable skips, or fails when EDGEINFER_REQUIRE_BOCHS=1.
func bochsUnavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("EDGEINFER_REQUIRE_BOCHS") == "1" {
		t.Fatal(why)
	}
	t.Skip(why)
}

const (
	bochsBIOS    = "/usr/share/bochs/BIOS-bochs-latest"
	bochsVGABIOS = "/usr/share/vgabios/vgabios.bin"

	// The guest's layout (testdata/bochs/guest.S): the program in sectors
	// 0-15, the manifest in the next 120, segments after it. Operands go
	// from bochsDataBase up, above any address of a Go test binary.
	bochsManifestLBA     = 16
	bochsManifestSectors = 120
	bochsSegmentLBA      = bochsManifestLBA + bochsManifestSectors
	bochsDataBase        = 0x2000000
)

func int8s(b []byte) []int8 {
	return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}

// buildBochsGuest assembles testdata/bochs/guest.S into a flat binary of
// 16 sectors loaded at 0x7c00.
func buildBochsGuest(t *testing.T, dir string) []byte {
	t.Helper()
	src, err := filepath.Abs("testdata/bochs/guest.S")
	if err != nil {
		t.Fatal(err)
	}
	obj, bin := filepath.Join(dir, "guest.o"), filepath.Join(dir, "guest.bin")
	for _, cmd := range [][]string{
		{"as", "--64", "-o", obj, src},
		{"ld", "-Ttext", "0x7c00", "--oformat", "binary", "-o", bin, obj},
	} {
		if out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(cmd, " "), err, out)
		}
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != bochsManifestLBA*512 {
		t.Fatalf("guest.bin is %d bytes, want %d", len(b), bochsManifestLBA*512)
	}
	return b
}

// bochsSegment is memory the guest loads at va (a multiple of 512).
type bochsSegment struct {
	va   uint64
	data []byte
}

type bochsCall struct {
	fn   uint64
	args []uint64
}

type bochsDump struct{ va, n uint64 }

type bochsImage struct {
	segments []bochsSegment
	calls    []bochsCall
	dumps    []bochsDump
	next     uint64 // where the next operand goes
}

// place copies b into the guest's data area and returns its address.
// Operands start on 512-byte boundaries: the guest reads whole sectors.
func (m *bochsImage) place(b []byte) uint64 {
	va := m.next
	m.segments = append(m.segments, bochsSegment{va: va, data: slices.Clone(b)})
	m.next += (uint64(len(b)) + 511) &^ 511
	if len(b) == 0 {
		m.next += 512 // a distinct address even for no bytes
	}
	return va
}

// readRoutine returns the machine code of symbol fn in the executable exe
// and the read-only data its assembly file declares (GLOBL name<>) as
// sector-aligned segments at their link addresses, and the routine's address.
func readRoutine(exe, fn, asmFile string) ([]bochsSegment, uint64, error) {
	f, err := elf.Open(exe)
	if err != nil {
		return nil, 0, fmt.Errorf("reading the test binary: %w", err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return nil, 0, fmt.Errorf("%s has no symbol table: %w", exe, err)
	}
	src, err := os.ReadFile(asmFile)
	if err != nil {
		return nil, 0, err
	}
	want := map[string]int{fn: 0}
	for _, m := range regexp.MustCompile(`(?m)^GLOBL\s+(\w+)<>\(SB\)`).FindAllSubmatch(src, -1) {
		want[string(m[1])] = 0
	}
	var found []elf.Symbol
	for _, s := range syms {
		if _, ok := want[s.Name]; ok {
			want[s.Name]++
			found = append(found, s)
		}
	}
	for name, n := range want {
		if n != 1 {
			return nil, 0, fmt.Errorf("%s: %d symbols named %q in the test binary, want 1", exe, n, name)
		}
	}
	// Sector-aligned ranges around each symbol, merged where they touch.
	slices.SortFunc(found, func(a, b elf.Symbol) int { return cmp.Compare(a.Value, b.Value) })
	var segs []bochsSegment
	var fnVA uint64
	for _, s := range found {
		if s.Name == fn {
			if s.Size == 0 {
				return nil, 0, fmt.Errorf("symbol %s has no size", fn)
			}
			fnVA = s.Value
		}
		lo, hi := s.Value&^511, (s.Value+s.Size+511)&^511
		if n := len(segs); n > 0 && lo <= segs[n-1].va+uint64(len(segs[n-1].data)) {
			last := &segs[n-1]
			if end := last.va + uint64(len(last.data)); hi > end {
				last.data = append(last.data, make([]byte, hi-end)...)
			}
			continue
		}
		segs = append(segs, bochsSegment{va: lo, data: make([]byte, hi-lo)})
	}
	// Fill them from the loaded segments of the file (zeros past Filesz).
	for i := range segs {
		sg := &segs[i]
		lo, hi := sg.va, sg.va+uint64(len(sg.data))
		for _, p := range f.Progs {
			if p.Type != elf.PT_LOAD {
				continue
			}
			a, b := max(lo, p.Vaddr), min(hi, p.Vaddr+p.Filesz)
			if a >= b {
				continue
			}
			if _, err := p.ReadAt(sg.data[a-lo:b-lo], int64(a-p.Vaddr)); err != nil {
				return nil, 0, fmt.Errorf("reading %#x-%#x of %s: %w", a, b, exe, err)
			}
		}
	}
	return segs, fnVA, nil
}

// runBochs writes the disk image and the configuration, runs bochs and
// returns the dumped buffers in order, or the guest's failure report.
func runBochs(t *testing.T, dir string, guest []byte, m *bochsImage) ([][]byte, error) {
	t.Helper()
	var manifest []uint64
	manifest = append(manifest, binary.LittleEndian.Uint64([]byte("EIBOCHS1")), uint64(len(m.segments)))
	disk := slices.Clone(guest)
	disk = append(disk, make([]byte, bochsManifestSectors*512)...)
	for _, s := range m.segments {
		lba := uint64(len(disk) / 512)
		sectors := (uint64(len(s.data)) + 511) / 512
		manifest = append(manifest, s.va, lba, sectors)
		disk = append(disk, s.data...)
		disk = append(disk, make([]byte, sectors*512-uint64(len(s.data)))...)
	}
	manifest = append(manifest, uint64(len(m.calls)))
	for _, c := range m.calls {
		manifest = append(manifest, c.fn, uint64(len(c.args)))
		manifest = append(manifest, c.args...)
	}
	manifest = append(manifest, uint64(len(m.dumps)))
	for _, d := range m.dumps {
		manifest = append(manifest, d.va, d.n)
	}
	if len(manifest)*8 > bochsManifestSectors*512 {
		t.Fatalf("the manifest needs %d bytes, the guest reads %d", len(manifest)*8, bochsManifestSectors*512)
	}
	for i, v := range manifest {
		binary.LittleEndian.PutUint64(disk[bochsManifestLBA*512+8*i:], v)
	}
	// A flat image must hold whole cylinders of 16 heads x 63 sectors.
	const cylinder = 16 * 63 * 512
	cylinders := (len(disk) + cylinder - 1) / cylinder
	disk = append(disk, make([]byte, cylinders*cylinder-len(disk))...)
	if err := os.WriteFile(filepath.Join(dir, "disk.img"), disk, 0o644); err != nil {
		t.Fatal(err)
	}
	megs := (m.next + (1 << 20) - 1) >> 20
	rc := fmt.Sprintf(`megs: %d
cpu: model=tigerlake, reset_on_triple_fault=0, ips=200000000
romimage: file=%s
vgaromimage: file=%s
ata0-master: type=disk, path=disk.img, mode=flat, cylinders=%d, heads=16, spt=63
boot: disk
display_library: rfb, options="timeout=0"
speaker: enabled=0
log: bochs.log
port_e9_hack: enabled=1
clock: sync=none
`, megs+1, bochsBIOS, bochsVGABIOS, cylinders)
	if err := os.WriteFile(filepath.Join(dir, "bochsrc"), []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bochs", "-q", "-f", "bochsrc")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader("c\n") // Debian's bochs starts in its debugger
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run() // bochs exits with 1 after the shutdown port; the markers decide

	var dumps [][]byte
	var cur []byte
	loaded, done := false, false
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "@@")
		if !ok {
			continue
		}
		switch {
		case line == "LOADED":
			loaded = true
		case line == "D":
			cur = []byte{}
		case line == "E":
			dumps = append(dumps, cur)
			cur = nil
		case line == "DONE":
			done = true
		case strings.HasPrefix(line, "FAULT"), line == "BADMANIFEST", line == "ATAERROR":
			return nil, fmt.Errorf("bochs guest: %s", line)
		default:
			b, err := hex.DecodeString(line)
			if err != nil || cur == nil {
				return nil, fmt.Errorf("bochs guest printed %q outside a dump", line)
			}
			cur = append(cur, b...)
		}
	}
	if !loaded || !done {
		log, _ := os.ReadFile(filepath.Join(dir, "bochs.log"))
		if len(log) > 4000 {
			log = log[len(log)-4000:]
		}
		return nil, fmt.Errorf("bochs did not finish (loaded %v, done %v, exit %v)\nstderr:\n%s\nbochs.log tail:\n%s",
			loaded, done, runErr, stderr.String(), log)
	}
	return dumps, nil
}
