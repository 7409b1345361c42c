#!/usr/bin/env python3
# neon.py writes kernel_arm64.s, the NEON twin of kernel_amd64.s:
#
#   cd camera/internal/yuvsimd && python3 _gen/neon.py > kernel_arm64.s
#
# The Go assembler lacks most NEON arithmetic, so those instructions are
# WORDs, encoded here by llvm-mc and written with their assembly alongside.
# The arithmetic is kernel_amd64.s's, instruction for instruction, on 4
# int32 lanes: see that file and row.go for the numerics and layouts.
import subprocess, sys
cache = {}
def enc(asm):
    if asm not in cache:
        out = subprocess.run(['llvm-mc', '-triple=aarch64', '-mattr=+neon', '-show-encoding'], input=asm+'\n', capture_output=True, text=True)
        line = [l for l in out.stdout.splitlines() if 'encoding' in l]
        if not line:
            sys.exit('bad: ' + asm + out.stderr)
        b = line[0].split('encoding: [')[1].split(']')[0].split(',')
        v = int(b[0],16) | int(b[1],16)<<8 | int(b[2],16)<<16 | int(b[3],16)<<24
        cache[asm] = v
    return cache[asm]
L = []
def w(asm): L.append('\tWORD $0x%08x // %s' % (enc(asm), asm))
def g(s): L.append('\t' + s)
def lab(s): L.append(s + ':')
def c(s): L.append('\t// ' + s)

# column block field offsets (row.go colBlock)
COL = dict(y=0, yShift=32, c=64, cShift=96, vShift=128, vStep=160, w=192)
COL_SIZE = 224
# registers
ACC = ['v0', 'v1', 'v2']; E = ['v3', 'v4', 'v5']
KY, KRV, KGU, KGV, KBU, ROFF, GOFF, BOFF = ['v%d' % i for i in range(24, 32)]
FF, ZERO, C255, FFFF = 'v16', 'v17', 'v18', 'v20'
WY, WYC, X, SH = 'v14', 'v15', 'v21', 'v22'

def s4(v): return v + '.4s'
def b16(v): return v + '.16b'
def mul(d, n, m): w('mul %s, %s, %s' % (s4(d), s4(n), s4(m)))
def add(d, n, m): w('add %s, %s, %s' % (s4(d), s4(n), s4(m)))
def sub(d, n, m): w('sub %s, %s, %s' % (s4(d), s4(n), s4(m)))
def and_(d, n, m): w('and %s, %s, %s' % (b16(d), b16(n), b16(m)))
def clamp(v):
    w('sshr %s, %s, #21' % (s4(v), s4(v)))
    w('smax %s, %s, %s' % (s4(v), s4(v), s4(ZERO)))
    w('smin %s, %s, %s' % (s4(v), s4(v), s4(C255)))
def loadcol(field, h, v):
    g('FMOVQ %d(R7), F%s' % (COL[field] + 16*h, v[1:]))
def shift_right_var(d, n, field, h):
    loadcol(field, h, SH)
    w('neg %s, %s' % (s4(SH), s4(SH)))
    w('ushl %s, %s, %s' % (s4(d), s4(n), s4(SH)))

def acc(p, wreg, ch, sign):
    # e += p or -= p; acc += p*w (wreg None: e only)
    (add if sign > 0 else sub)(E[ch], E[ch], p)
    if wreg:
        mul(p, p, wreg)
        add(ACC[ch], ACC[ch], p)

def convert(wreg, sign):
    # v10 y, v11 u, v12 v -> channels, each accumulated
    mul('v10', 'v10', KY)
    mul('v13', 'v11', KBU); add('v13', 'v13', 'v10'); add('v13', 'v13', BOFF); clamp('v13'); acc('v13', wreg, 2, sign)
    mul('v13', 'v12', KRV); add('v13', 'v13', 'v10'); add('v13', 'v13', ROFF); clamp('v13'); acc('v13', wreg, 0, sign)
    mul('v11', 'v11', KGU); mul('v12', 'v12', KGV); sub('v10', 'v10', 'v11'); sub('v10', 'v10', 'v12'); add('v10', 'v10', GOFF); clamp('v10'); acc('v10', wreg, 1, sign)

def extract_left(h):
    and_('v10', 'v6', FF); and_('v11', 'v7', FF)
    shift_right_var('v12', 'v8', 'vShift', h); and_('v12', 'v12', FF)
def extract_right(h):
    shift_right_var('v10', 'v6', 'yShift', h); and_('v10', 'v10', FF)
    shift_right_var('v11', 'v7', 'cShift', h); and_('v11', 'v11', FF)
    shift_right_var('v12', 'v8', 'vStep', h); and_('v12', 'v12', FF)

def gather_row(h, yrow, urow, vrow, tag):
    # indexes: a_j in R19-R22, c_j in R23-R25, R15
    cregs = ['R23', 'R24', 'R25', 'R15']
    for j in range(4):
        g('MOVWU (%s)(R%d), R13' % (yrow, 19 + j))
        g('VMOV R13, V6.S[%d]' % j)
    for j in range(4):
        g('MOVWU (%s)(%s), R13' % (urow, cregs[j]))
        g('VMOV R13, V7.S[%d]' % j)
    g('VORR V7.B16, V7.B16, V8.B16')
    g('CBNZ R10, %s' % tag)
    for j in range(4):
        g('MOVWU (%s)(%s), R13' % (vrow, cregs[j]))
        g('VMOV R13, V8.S[%d]' % j)
    lab(tag)

def half(h):
    c('Columns %d-%d of the block.' % (4*h, 4*h+3))
    for j in range(4):
        g('MOVWU %d(R7), R%d' % (COL['y'] + 16*h + 4*j, 19 + j))
    for j, r in enumerate(['R23', 'R24', 'R25', 'R15']):
        g('MOVWU %d(R7), %s' % (COL['c'] + 16*h + 4*j, r))
    for v in ACC + E:
        g('VEOR %s.B16, %s.B16, %s.B16' % (v.upper(), v.upper(), v.upper()))
    loadcol('w', h, X)
    c('Top row: the left tap with weight 2^16 - x - y, the right with x.')
    gather_row(h, 'R1', 'R3', 'R5', 'top%d' % h)
    sub('v9', WYC, X)
    extract_left(h); convert('v9', +1)
    extract_right(h); convert(X, -1)
    c('Bottom row: the left tap with weight y, the right only in e.')
    gather_row(h, 'R2', 'R4', 'R6', 'bottom%d' % h)
    extract_left(h); convert(WY, -1)
    extract_right(h); convert(None, +1)
    c('acc += e*hi + (e*lo >> 16), then (acc + 2^15) >> 16.')
    mul('v9', X, WY)
    w('ushr %s, %s, #16' % (s4('v10'), s4('v9')))
    and_('v9', 'v9', FFFF)
    for ch in range(3):
        mul('v11', E[ch], 'v10'); add(ACC[ch], ACC[ch], 'v11')
        mul(E[ch], E[ch], 'v9')
        w('sshr %s, %s, #16' % (s4(E[ch]), s4(E[ch])))
        add(ACC[ch], ACC[ch], E[ch])
        w('urshr %s, %s, #16' % (s4(ACC[ch]), s4(ACC[ch])))
    c('Narrow to bytes in v10-v12 in the output order and store 4 pixels.')
    g('CBNZ R11, bgr%d' % h)
    for i, ch in enumerate([0, 1, 2]):
        w('xtn v%d.4h, %s' % (10 + i, s4(ACC[ch]))); w('xtn v%d.8b, v%d.8h' % (10 + i, 10 + i))
    g('B store%d' % h)
    lab('bgr%d' % h)
    for i, ch in enumerate([2, 1, 0]):
        w('xtn v%d.4h, %s' % (10 + i, s4(ACC[ch]))); w('xtn v%d.8b, v%d.8h' % (10 + i, 10 + i))
    lab('store%d' % h)
    for j in range(4):
        w('st3 {v10.b, v11.b, v12.b}[%d], [x8], #3' % j)

hdr = '''// Code generated by _gen/neon.py (python3 _gen/neon.py > kernel_arm64.s; it encodes with llvm-mc). DO NOT EDIT.

//go:build gc && !purego

#include "textflag.h"

// The NEON twin of kernel_amd64.s: the same int32 arithmetic, 4 columns
// per step (two steps per 8-column block). Taps are loaded with scalar
// loads into lanes (NEON has no gather); instructions the Go assembler
// lacks are WORDs, each with its assembly alongside.

// func sampleRowNEON(a *neonArgs)
//
// Register contract: R1, R2 the top and bottom luma rows, R3, R4 the U
// rows, R5, R6 the V rows, R7 the column block, R8 the output (advanced by
// the stores), R9 blocks left, R10 sharedUV, R11 bgr; R19-R22 the four
// columns' luma offsets, R23-R25, R15 their chroma offsets, R12, R13
// scratch.
// V0-V2 the R, G, B linear sums, V3-V5 their cross terms
// (p00 - p01 - p10 + p11); V6-V8 the loaded Y, U, V dwords of one source
// row; V9 the top-left weight, then x*wy; V10-V13 one tap's conversion;
// V14 wy, V15 2^16 - wy; V16 0xFF, V17 0, V18 255, V20 0xFFFF; V21 the
// right weights x, V22 a shift vector; V24-V31 Coeffs.vec's terms.
// Lerp2 splits as in kernel_amd64.s.
TEXT ·sampleRowNEON(SB), NOSPLIT, $0-8
	MOVD a+0(FP), R0
	MOVD 0(R0), R1
	MOVD 8(R0), R2
	MOVD 16(R0), R3
	MOVD 24(R0), R4
	MOVD 32(R0), R5
	MOVD 40(R0), R6
	MOVD 48(R0), R7
	MOVD 56(R0), R8
	MOVD 64(R0), R9
	MOVD 72(R0), R12
	MOVWU 80(R0), R13
	VDUP R13, V14.S4
	MOVWU 84(R0), R13
	VDUP R13, V15.S4
	MOVD 88(R0), R10
	MOVD 96(R0), R11
'''
for i in range(8):
    hdr += '\tMOVWU %d(R12), R13\n\tVDUP R13, V%d.S4\n' % (32*i, 24 + i)
hdr += '''	MOVW $0xFF, R13
	VDUP R13, V16.S4
	VEOR V17.B16, V17.B16, V17.B16
	MOVW $255, R13
	VDUP R13, V18.S4
	MOVW $0xFFFF, R13
	VDUP R13, V20.S4
	CBZ R9, done

block:
'''
half(0); half(1)
body = '\n'.join(L)
tail = '''
	ADD $%d, R7, R7
	SUBS $1, R9, R9
	BNE block

done:
	RET
''' % COL_SIZE
print(hdr + body + tail)
