package sgemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// reference computes op(A)·op(B) + beta·C in float64, element by element.
func reference(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			if beta != 0 {
				s += float64(beta) * float64(c[i*ldc+j])
			}
			out[i*n+j] = s
		}
	}
	return out
}

func randSlice(r *rand.Rand, n int, integers bool) []float32 {
	v := make([]float32, n)
	for i := range v {
		if integers {
			v[i] = float32(r.IntN(7) - 3)
		} else {
			v[i] = float32(r.NormFloat64())
		}
	}
	return v
}

type shape struct{ m, n, k int }

var shapes = []shape{
	{1, 1, 1}, {6, 16, 1}, {5, 17, 3}, {7, 33, 300}, {13, 100, 9},
	{32, 196, 144}, {100, 7, 513}, {97, 2100, 20}, {16, 144, 1100},
}

// TestGemmAgainstReference checks every transpose combination, leading
// dimensions wider than the matrices and beta 0, 1 and 0.5 against a
// float64 reference: integer data in [-3, 3] must come out exact (every
// partial sum is an integer below 2^24), normal data within float32
// accumulation error.
func TestGemmAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range shapes {
		for _, integers := range []bool{true, false} {
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				for _, beta := range []float32{0, 1, 0.5} {
					lda := s.k + 3
					if tr[0] {
						lda = s.m + 2
					}
					ldb := s.n + 1
					if tr[1] {
						ldb = s.k + 5
					}
					ldc := s.n + 4
					rowsA, rowsB := s.m, s.k
					if tr[0] {
						rowsA = s.k
					}
					if tr[1] {
						rowsB = s.n
					}
					a := randSlice(r, rowsA*lda, integers)
					b := randSlice(r, rowsB*ldb, integers)
					c := randSlice(r, s.m*ldc, integers)
					if beta == 0 {
						for i := range c {
							c[i] = float32(math.NaN()) // must not be read
						}
					}
					want := reference(tr[0], tr[1], s.m, s.n, s.k, a, lda, b, ldb, beta, c, ldc)
					Gemm(tr[0], tr[1], s.m, s.n, s.k, a, lda, b, ldb, beta, c, ldc)
					for i := range s.m {
						for j := range s.n {
							got, w := float64(c[i*ldc+j]), want[i*s.n+j]
							tol := 0.0
							if !integers {
								tol = 1e-5 * math.Sqrt(float64(s.k)) * 4
							}
							if math.Abs(got-w) > tol*math.Max(1, math.Abs(w)) || got != got {
								t.Fatalf("%v trans %v beta %v integers %v: C[%d][%d] = %v, want %v", s, tr, beta, integers, i, j, got, w)
							}
						}
					}
				}
			}
		}
	}
}

// TestGemmThreadCountInvariant checks that the result is bitwise the same
// with 1, 2 and 3 goroutines: each element is summed by one goroutine in
// one order.
func TestGemmThreadCountInvariant(t *testing.T) {
	defer func(n int) { Threads = n }(Threads)
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range []shape{{64, 3000, 300}, {300, 40, 700}} {
		a := randSlice(r, s.m*s.k, false)
		b := randSlice(r, s.k*s.n, false)
		var first []float32
		for _, threads := range []int{1, 2, 3} {
			Threads = threads
			c := make([]float32, s.m*s.n)
			Gemm(false, false, s.m, s.n, s.k, a, s.k, b, s.n, 0, c, s.n)
			if first == nil {
				first = c
				continue
			}
			for i := range c {
				if math.Float32bits(c[i]) != math.Float32bits(first[i]) {
					t.Fatalf("%v: %d goroutines: C[%d] = %v, 1 goroutine: %v", s, threads, i, c[i], first[i])
				}
			}
		}
	}
}

// TestKernelMatchesGo compares the micro-kernel in use (assembly where
// available) with its portable twin: bitwise on integer data, where
// neither rounds, and within FMA-versus-multiply-add rounding on normal
// data.
func TestKernelMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	t.Logf("kernel: %s", Kernel())
	for _, k := range []int{1, 2, 7, 256} {
		for _, integers := range []bool{true, false} {
			a := randSlice(r, k*mr, integers)
			const ldb, ldc = nr + 5, nr + 3 // B read in place from a wider matrix
			b := randSlice(r, k*ldb, integers)
			c0 := randSlice(r, mr*ldc, integers)
			c1 := append([]float32(nil), c0...)
			kernel(k, &a[0], &b[0], ldb, &c0[0], ldc)
			kernelGo(k, &a[0], &b[0], ldb, &c1[0], ldc)
			for i := range c0 {
				d := math.Abs(float64(c0[i] - c1[i]))
				tol := 0.0
				if !integers {
					tol = 1e-5 * float64(k)
				}
				if d > tol || (i%ldc >= nr && c0[i] != c1[i]) {
					t.Fatalf("k %d integers %v: element %d: kernel %v, Go %v", k, integers, i, c0[i], c1[i])
				}
			}
		}
	}
}

func benchmarkGemm(bm *testing.B, m, n, k int) {
	r := rand.New(rand.NewPCG(7, 8))
	a := randSlice(r, m*k, false)
	b := randSlice(r, k*n, false)
	c := make([]float32, m*n)
	bm.SetBytes(int64(2 * m * n * k)) // "MB/s" reads as MFLOP/s
	for bm.Loop() {
		Gemm(false, false, m, n, k, a, k, b, n, 0, c, n)
	}
}

// Shapes of the Fashion-MNIST student's convolutions as im2col GEMMs over
// a batch of 64 (output channels × batch·pixels × kernel).
func BenchmarkConv2(b *testing.B)  { benchmarkGemm(b, 32, 64*196, 144) }
func BenchmarkConv3(b *testing.B)  { benchmarkGemm(b, 64, 64*49, 288) }
func BenchmarkSquare(b *testing.B) { benchmarkGemm(b, 256, 256, 256) }
