// The Winograd input transforms' step to the next block of 16 input
// channels (wino_amd64.s, wino4_amd64.s): DX += 16; done at DX >= CX (the
// channel count), else on to BLOCK, a partial last block overlapping the
// one before (DX = CX - 16). Clobbers R10.
#define WINO_NEXT_BLOCK(BLOCK, DONE) \
	ADDQ $16, DX \
	CMPQ DX, CX \
	JGE  DONE \
	LEAQ -16(CX), R10 \
	CMPQ DX, R10 \
	JLE  BLOCK \
	MOVQ R10, DX \
	JMP  BLOCK
