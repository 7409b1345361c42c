package refeval

import (
	"runtime"
	"sync"
)

// gemmParallelMin is the m*n*k work below which sgemm stays on one
// goroutine: starting workers costs a few microseconds.
const gemmParallelMin = 1 << 18

// sgemm computes C = A·B (overwriting C) for row-major A [m×k] (row stride
// lda), B [k×n] (ldb) and C [m×n] (ldc). Large products are split by
// columns of C across up to threads goroutines (0: GOMAXPROCS); every
// element is summed by one goroutine in the same order, so the result does
// not depend on threads.
func sgemm(threads, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	workers := threads
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers <= 1 || m*n*k < gemmParallelMin || n < 2*gemmColBlock {
		sgemmSerial(m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	chunks := (n + gemmColBlock - 1) / gemmColBlock
	per := (chunks + workers - 1) / workers * gemmColBlock
	var wg sync.WaitGroup
	for j0 := 0; j0 < n; j0 += per {
		j1 := min(j0+per, n)
		wg.Go(func() {
			sgemmSerial(m, j1-j0, k, a, lda, b[j0:], ldb, c[j0:], ldc)
		})
	}
	wg.Wait()
}

// Block sizes: a column block of C rows and a depth block of B rows stay in
// L1/L2 while four rows of C are updated from them (by kernel4x16 in tiles
// of 16 columns where vectorKernel is set, otherwise by sgemmTile's loops).
const (
	gemmColBlock   = 256
	gemmDepthBlock = 128
)

func sgemmSerial(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := range m {
		clear(c[i*ldc : i*ldc+n])
	}
	for j0 := 0; j0 < n; j0 += gemmColBlock {
		nb := min(gemmColBlock, n-j0)
		for p0 := 0; p0 < k; p0 += gemmDepthBlock {
			kb := min(gemmDepthBlock, k-p0)
			wide := nb &^ 15 // columns in whole 16-column tiles
			if !vectorKernel || wide == 0 || m < 4 {
				sgemmTile(0, m, j0, nb, p0, kb, a, lda, b, ldb, c, ldc)
				continue
			}
			i := 0
			for ; i+4 <= m; i += 4 {
				for j := j0; j < j0+wide; j += 16 {
					kernel4x16(kb, &a[i*lda+p0], lda, &b[p0*ldb+j], ldb, &c[i*ldc+j], ldc)
				}
			}
			sgemmTile(i, m, j0, wide, p0, kb, a, lda, b, ldb, c, ldc)
			sgemmTile(0, m, j0+wide, nb-wide, p0, kb, a, lda, b, ldb, c, ldc)
		}
	}
}

// sgemmTile adds A[i0:i1][p0:p0+kb]·B[p0:p0+kb][j0:j0+nb] to
// C[i0:i1][j0:j0+nb], one rounded product at a time in order of depth.
func sgemmTile(i0, i1, j0, nb, p0, kb int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if nb == 0 {
		return
	}
	i := i0
	for ; i+4 <= i1; i += 4 {
		c0 := c[i*ldc+j0 : i*ldc+j0+nb]
		c1 := c[(i+1)*ldc+j0 : (i+1)*ldc+j0+nb]
		c2 := c[(i+2)*ldc+j0 : (i+2)*ldc+j0+nb]
		c3 := c[(i+3)*ldc+j0 : (i+3)*ldc+j0+nb]
		for p := p0; p < p0+kb; p++ {
			a0, a1, a2, a3 := a[i*lda+p], a[(i+1)*lda+p], a[(i+2)*lda+p], a[(i+3)*lda+p]
			br := b[p*ldb+j0 : p*ldb+j0+nb]
			br = br[:len(c0)]
			c1 := c1[:len(c0)]
			c2 := c2[:len(c0)]
			c3 := c3[:len(c0)]
			for j, bv := range br {
				c0[j] += float32(a0 * bv)
				c1[j] += float32(a1 * bv)
				c2[j] += float32(a2 * bv)
				c3[j] += float32(a3 * bv)
			}
		}
	}
	for ; i < i1; i++ {
		c0 := c[i*ldc+j0 : i*ldc+j0+nb]
		for p := p0; p < p0+kb; p++ {
			a0 := a[i*lda+p]
			br := b[p*ldb+j0 : p*ldb+j0+nb]
			br = br[:len(c0)]
			for j, bv := range br {
				c0[j] += float32(a0 * bv)
			}
		}
	}
}

// transposeInto writes the transpose of the row-major r×c matrix src into
// dst (c×r).
func transposeInto(dst, src []float32, r, c int) {
	for i := range r {
		row := src[i*c : i*c+c]
		for j, v := range row {
			dst[j*r+i] = v
		}
	}
}
