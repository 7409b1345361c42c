/* A bare-metal guest for the bochs x86 emulator, which runs AVX-512 VNNI
   code on machines without it (gemm_avx512_bochs_test.go builds the disk
   image and reads the results).

   The BIOS loads sector 0 at 0x7c00; it loads the rest of this program
   (sectors 1-15), enters long mode with the first 4 GiB identity-mapped
   (2 MiB pages), enables SSE, AVX and AVX-512 state (XCR0 = 0xe7) and
   installs one handler for the 32 exception vectors. It then reads the
   manifest (MANIFEST_SECTORS sectors at MANIFEST_LBA) by ATA PIO and does
   what it says, in this order:

     qword "EIBOCHS1"
     qword nseg,  nseg  x (va, lba, sectors): read sectors from lba to va
     qword ncall, ncall x (fn, nargs, arg[nargs]): call fn with Go's ABI0
                  (arguments on the stack, arg[0] lowest); the callee may
                  clobber every register, so nothing lives in one across it
     qword ndump, ndump x (va, nbytes): print the bytes on port 0xe9

   Output on port 0xe9 (bochs's port_e9_hack writes it to stdout), one
   marker per line: "@@LOADED", "@@D" then "@@<hex>" lines of up to 32
   bytes and "@@E" per dump, "@@DONE"; "@@FAULT <three stack qwords>" or
   "@@BADMANIFEST" on failure. It ends by writing "Shutdown" to port 0x8900,
   which makes bochs exit. */

	.set MANIFEST_LBA, 16
	.set MANIFEST_SECTORS, 120
	.set MANIFEST, 0x60000       /* up to 0x6f000 */
	.set PAGING, 0x70000         /* PML4, PDPT, 4 PDs: 0x70000-0x75fff */
	.set STACK_TOP, 0x9f000

	.code16
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $0x7c00, %sp
	movw $dap, %si            /* DL still holds the BIOS boot drive */
	movb $0x42, %ah
	int $0x13
	jc halt16
	inb $0x92, %al            /* fast A20 */
	orb $2, %al
	outb %al, $0x92
	lgdt gdtr
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmp $0x18, $prot
halt16:
	hlt
	jmp halt16

	.p2align 2
dap:	.byte 0x10, 0
	.word 15                  /* sectors 1-15 to 0x7e00 */
	.word 0x7e00, 0
	.quad 1
	.p2align 3
gdt:	.quad 0
	.quad 0x00af9a000000ffff  /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff  /* 0x10: flat data */
	.quad 0x00cf9a000000ffff  /* 0x18: 32-bit code */
gdtr:	.word gdtr - gdt - 1
	.long gdt
	.org 510
	.word 0xaa55

	.code32
prot:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $STACK_TOP, %esp
	movl $PAGING, %edi
	movl $(6*4096/4), %ecx
	xorl %eax, %eax
	rep stosl
	movl $(PAGING + 0x1000 + 3), PAGING
	xorl %ecx, %ecx
1:	movl %ecx, %eax           /* PDPT[i] = PD i */
	shll $12, %eax
	addl $(PAGING + 0x2000 + 3), %eax
	movl %eax, PAGING + 0x1000(,%ecx,8)
	incl %ecx
	cmpl $4, %ecx
	jb 1b
	xorl %ecx, %ecx
2:	movl %ecx, %eax           /* PD entry i maps i * 2 MiB */
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, PAGING + 0x2000(,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax
	movl %eax, PAGING + 0x2004(,%ecx,8)
	incl %ecx
	cmpl $2048, %ecx
	jb 2b
	movl %cr4, %eax
	orl $(1<<5), %eax         /* PAE */
	movl %eax, %cr4
	movl $PAGING, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx    /* EFER.LME */
	rdmsr
	orl $(1<<8), %eax
	wrmsr
	movl %cr0, %eax
	orl $(1<<31), %eax
	movl %eax, %cr0
	ljmp $0x08, $long

	.code64
long:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movq $STACK_TOP, %rsp
	cld
	movq %cr0, %rax           /* FPU/SSE on: EM off, MP on */
	andq $~4, %rax
	orq $2, %rax
	movq %rax, %cr0
	movq %cr4, %rax           /* OSFXSR, OSXMMEXCPT, OSXSAVE */
	orq $((1<<9)|(1<<10)|(1<<18)), %rax
	movq %rax, %cr4
	xorl %ecx, %ecx
	xorl %edx, %edx
	movl $0xe7, %eax          /* x87, SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM */
	xsetbv

	/* IDT: vectors 0-31 -> fault (interrupt gates, selector 0x08). */
	movq $idt, %rdi
	movq $fault, %rax
	xorl %ecx, %ecx
3:	movw %ax, (%rdi)
	movw $0x08, 2(%rdi)
	movw $0x8e00, 4(%rdi)
	movq %rax, %rdx
	shrq $16, %rdx
	movw %dx, 6(%rdi)
	shrq $16, %rdx
	movl %edx, 8(%rdi)
	movl $0, 12(%rdi)
	addq $16, %rdi
	incl %ecx
	cmpl $32, %ecx
	jb 3b
	lidt idtr

	movq $MANIFEST, %rdi
	movq $MANIFEST_LBA, %rsi
	movq $MANIFEST_SECTORS, %rdx
	call ata_read
	movq $MANIFEST, %r15
	movq $0x315348434f424945, %rax    /* "EIBOCHS1" */
	cmpq %rax, (%r15)
	jne badmanifest
	addq $8, %r15

	movq (%r15), %rax         /* segments */
	addq $8, %r15
	movq %rax, left
segs:
	cmpq $0, left
	je segsdone
	movq (%r15), %rdi
	movq 8(%r15), %rsi
	movq 16(%r15), %rdx
	addq $24, %r15
	movq %r15, cursor
	call ata_read
	movq cursor, %r15
	decq left
	jmp segs
segsdone:
	movq $msgloaded, %rsi
	call puts

	movq (%r15), %rax         /* calls */
	addq $8, %r15
	movq %rax, left
calls:
	cmpq $0, left
	je callsdone
	movq (%r15), %rax         /* fn */
	movq 8(%r15), %rcx        /* nargs */
	leaq 16(%r15,%rcx,8), %rdx
	movq %rdx, cursor         /* the next entry */
	movq %rsp, savedsp
4:	testq %rcx, %rcx          /* push arg[nargs-1] .. arg[0] */
	jz 5f
	pushq 8(%r15,%rcx,8)
	decq %rcx
	jmp 4b
5:	call *%rax
	movq savedsp, %rsp
	cld
	movq cursor, %r15
	decq left
	jmp calls
callsdone:

	movq (%r15), %rax         /* dumps */
	addq $8, %r15
	movq %rax, left
dumps:
	cmpq $0, left
	je done
	movq $msgdump, %rsi
	call puts
	movq (%r15), %rsi         /* va */
	movq 8(%r15), %rbx        /* bytes left */
	addq $16, %r15
6:	testq %rbx, %rbx
	jz 8f
	movq $msgline, %r8        /* "\n@@" */
	call putsr8
	movl $32, %ecx
7:	testq %rbx, %rbx
	jz 6b
	lodsb
	call puthex8
	decq %rbx
	decl %ecx
	jnz 7b
	jmp 6b
8:	movq $msgend, %rsi
	call puts
	decq left
	jmp dumps
done:
	movq $msgdone, %rsi
	call puts
	jmp shutdown

badmanifest:
	movq $msgbad, %rsi
	call puts
	jmp shutdown

/* fault: any exception. Prints the three qwords on top of the stack
   (error code or RIP first) and stops. */
fault:
	movq $msgfault, %rsi
	call puts
	movq %rsp, %rsi
	movq (%rsi), %rax
	call puthex64
	movq 8(%rsp), %rax
	call puthex64
	movq 16(%rsp), %rax
	call puthex64
	jmp shutdown

/* ata_read: read rdx sectors from LBA rsi to rdi (ATA PIO, primary master,
   one sector per command). Clobbers rax, rcx, rdx, rsi, rdi, r8. */
ata_read:
	movq %rdx, %r8
1:	testq %r8, %r8
	jz 9f
	movw $0x1f7, %dx
2:	inb %dx, %al              /* wait until not busy */
	testb $0x80, %al
	jnz 2b
	movq %rsi, %rax
	shrq $24, %rax
	andb $0x0f, %al
	orb $0xe0, %al            /* LBA, master */
	movw $0x1f6, %dx
	outb %al, %dx
	movb $1, %al
	movw $0x1f2, %dx
	outb %al, %dx
	movq %rsi, %rax
	movw $0x1f3, %dx
	outb %al, %dx
	shrq $8, %rax
	movw $0x1f4, %dx
	outb %al, %dx
	shrq $8, %rax
	movw $0x1f5, %dx
	outb %al, %dx
	movb $0x20, %al           /* READ SECTORS */
	movw $0x1f7, %dx
	outb %al, %dx
3:	inb %dx, %al
	testb $0x80, %al
	jnz 3b
	testb $0x01, %al
	jnz ata_error
	testb $0x08, %al          /* DRQ */
	jz 3b
	movl $256, %ecx
	movw $0x1f0, %dx
	rep insw
	incq %rsi
	decq %r8
	jmp 1b
9:	ret
ata_error:
	movq $msgata, %rsi
	call puts
	jmp shutdown

/* puts: the NUL-terminated string at rsi; putsr8: the one at r8 (rsi kept). */
puts:
	movq %rsi, %r8
putsr8:
	pushq %rax
	pushq %rdx
	movw $0xe9, %dx
1:	movb (%r8), %al
	testb %al, %al
	jz 2f
	outb %al, %dx
	incq %r8
	jmp 1b
2:	popq %rdx
	popq %rax
	ret

/* puthex8: al as two hex digits. puthex64: " " then rax as 16 digits. */
puthex8:
	pushq %rax
	pushq %rdx
	movzbl %al, %edx
	shrl $4, %edx
	movb hexdigits(%rdx), %dl
	xchgl %eax, %edx
	outb %al, $0xe9
	xchgl %eax, %edx
	andl $15, %eax
	movb hexdigits(%rax), %al
	outb %al, $0xe9
	popq %rdx
	popq %rax
	ret
puthex64:
	pushq %rax
	movb $' ', %al
	outb %al, $0xe9
	popq %rax
	movl $8, %ecx
1:	rolq $8, %rax
	call puthex8
	decl %ecx
	jnz 1b
	ret

shutdown:
	movq $msgnl, %rsi
	call puts
	movw $0x8900, %dx
	movq $msgshutdown, %rsi
	movl $8, %ecx
1:	lodsb
	outb %al, %dx
	loop 1b
2:	hlt
	jmp 2b

hexdigits:	.ascii "0123456789abcdef"
msgloaded:	.asciz "\n@@LOADED"
msgdump:	.asciz "\n@@D"
msgline:	.asciz "\n@@"
msgend:		.asciz "\n@@E"
msgdone:	.asciz "\n@@DONE\n"
msgbad:		.asciz "\n@@BADMANIFEST"
msgfault:	.asciz "\n@@FAULT"
msgata:		.asciz "\n@@ATAERROR"
msgnl:		.asciz "\n"
msgshutdown:	.ascii "Shutdown"

	.p2align 3
left:		.quad 0
cursor:		.quad 0
savedsp:	.quad 0
idtr:		.word 32*16 - 1
		.quad idt
	.p2align 4
idt:		.fill 32*16, 1, 0
	.org 16*512
