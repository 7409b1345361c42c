package sgemm

import (
	"fmt"
	"runtime"
	"sync"
)

// Micro-kernel and cache-block sizes. A 6×16 block of C fills 12 of the 16
// AVX2 registers, leaving two for a row of B and two for broadcasts of A.
// A KC×16 sliver of B (16 KB at KC = 256) stays in L1 while the kernel
// sweeps the MC rows of the packed A block (MC×KC = 96 KB, L2).
const (
	mr = 6
	nr = 16
	kc = 256
	mc = 96
	nc = 2048
)

// Threads is how many goroutines one Gemm call uses at most (0: GOMAXPROCS).
var Threads int

// minTileFlops is the work below which another goroutine costs more than
// it saves.
const minTileFlops = 1 << 17

// Gemm computes C = op(A)·op(B) + beta·C, where op(A) is m×k, op(B) is k×n
// and C is m×n, all row-major with leading dimensions lda, ldb, ldc
// (elements between rows). transA and transB select op(X) = Xᵀ; A is then
// stored k×m and B n×k. beta 0 overwrites C without reading it, so C may
// hold garbage (even NaN) then.
func Gemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("sgemm: negative size %d×%d×%d", m, n, k))
	}
	if m == 0 || n == 0 {
		return
	}
	checkOperand("A", transA, m, k, a, lda)
	checkOperand("B", transB, k, n, b, ldb)
	checkOperand("C", false, m, n, c, ldc)
	scale(m, n, beta, c, ldc)
	if k == 0 {
		return
	}
	threads := Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	if w := 2 * m * n * k / minTileFlops; w < threads {
		threads = max(w, 1)
	}
	p := problem{transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc}
	if threads == 1 {
		p.tile(0, m, 0, n)
		return
	}
	// Split the longer side of C into one strip per goroutine, in whole
	// micro-tiles.
	var wg sync.WaitGroup
	if n >= m {
		step := roundUp((n+threads-1)/threads, nr)
		for j := 0; j < n; j += step {
			wg.Add(1)
			go func(j0, j1 int) {
				defer wg.Done()
				p.tile(0, m, j0, j1)
			}(j, min(j+step, n))
		}
	} else {
		step := roundUp((m+threads-1)/threads, mr)
		for i := 0; i < m; i += step {
			wg.Add(1)
			go func(i0, i1 int) {
				defer wg.Done()
				p.tile(i0, i1, 0, n)
			}(i, min(i+step, m))
		}
	}
	wg.Wait()
}

func roundUp(x, to int) int { return (x + to - 1) / to * to }

// checkOperand panics with the operand's name if x cannot hold a rows×cols
// matrix (cols×rows when transposed) with leading dimension ld.
func checkOperand(name string, trans bool, rows, cols int, x []float32, ld int) {
	if trans {
		rows, cols = cols, rows
	}
	if rows == 0 || cols == 0 {
		return
	}
	if ld < cols {
		panic(fmt.Sprintf("sgemm: %s: leading dimension %d < %d columns", name, ld, cols))
	}
	if need := (rows-1)*ld + cols; len(x) < need {
		panic(fmt.Sprintf("sgemm: %s: %d elements, a %d×%d matrix with leading dimension %d needs %d", name, len(x), rows, cols, ld, need))
	}
}

// scale multiplies C by beta (0 clears it).
func scale(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

type problem struct {
	transA, transB bool
	m, n, k        int
	a, b, c        []float32
	lda, ldb, ldc  int
}

// buffers are one goroutine's packing space.
type buffers struct {
	a [mc * kc]float32
	b [kc * nc]float32
	c [mr * nr]float32 // edge tiles
}

var bufferPool = sync.Pool{New: func() any { return new(buffers) }}

// tile accumulates rows [i0, i1) × columns [j0, j1) of op(A)·op(B) into C.
func (p *problem) tile(i0, i1, j0, j1 int) {
	buf := bufferPool.Get().(*buffers)
	defer bufferPool.Put(buf)
	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := 0; pc < p.k; pc += kc {
			kb := min(kc, p.k-pc)
			// A row-major B already holds each sliver's k-th row of 16
			// contiguously: the kernel reads it in place (stride ldb) and
			// only a partial last sliver is packed. A transposed B is packed.
			if p.transB {
				p.packB(buf.b[:], pc, kb, jc, nb)
			} else if full := nb / nr * nr; full < nb {
				p.packB(buf.b[full*kb:], pc, kb, jc+full, nb-full)
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				p.packA(buf.a[:], ic, mb, pc, kb)
				p.macro(buf, ic, mb, jc, nb, pc, kb)
			}
		}
	}
}

// macro runs the micro-kernel over an mb×nb block of C (inner block pc).
func (p *problem) macro(buf *buffers, ic, mb, jc, nb, pc, kb int) {
	for jr := 0; jr < nb; jr += nr {
		w := min(nr, nb-jr)
		bp, ldb := buf.b[jr*kb:], nr
		if !p.transB && w == nr {
			bp, ldb = p.b[pc*p.ldb+jc+jr:], p.ldb
		}
		for ir := 0; ir < mb; ir += mr {
			ap := buf.a[ir*kb:]
			h := min(mr, mb-ir)
			c := p.c[(ic+ir)*p.ldc+jc+jr:]
			if h == mr && w == nr {
				kernel(kb, &ap[0], &bp[0], ldb, &c[0], p.ldc)
				continue
			}
			clear(buf.c[:])
			kernel(kb, &ap[0], &bp[0], ldb, &buf.c[0], nr)
			for i := range h {
				row := c[i*p.ldc : i*p.ldc+w]
				for j := range row {
					row[j] += buf.c[i*nr+j]
				}
			}
		}
	}
}

// packA copies rows [i0, i0+mb) × inner [p0, p0+kb) of op(A) into slivers
// of mr rows, k-major (dst[s*mr*kb + k*mr + r]), zero-padding the last.
func (p *problem) packA(dst []float32, i0, mb, p0, kb int) {
	for s := 0; s < mb; s += mr {
		d := dst[s*kb : s*kb+mr*kb]
		h := min(mr, mb-s)
		for r := range mr {
			if r >= h {
				for k := range kb {
					d[k*mr+r] = 0
				}
				continue
			}
			i := i0 + s + r
			if p.transA {
				for k := range kb {
					d[k*mr+r] = p.a[(p0+k)*p.lda+i]
				}
			} else {
				row := p.a[i*p.lda+p0 : i*p.lda+p0+kb]
				for k, v := range row {
					d[k*mr+r] = v
				}
			}
		}
	}
}

// packB copies inner [p0, p0+kb) × columns [j0, j0+nb) of op(B) into
// slivers of nr columns, k-major (dst[s*kb + k*nr + c]), zero-padding the
// last.
func (p *problem) packB(dst []float32, p0, kb, j0, nb int) {
	for s := 0; s < nb; s += nr {
		d := dst[s*kb : s*kb+nr*kb]
		w := min(nr, nb-s)
		j := j0 + s
		for k := range kb {
			dk := d[k*nr : k*nr+nr]
			if p.transB {
				for c := range w {
					dk[c] = p.b[(j+c)*p.ldb+p0+k]
				}
			} else {
				copy(dk[:w], p.b[(p0+k)*p.ldb+j:(p0+k)*p.ldb+j+w])
			}
			clear(dk[w:])
		}
	}
}
