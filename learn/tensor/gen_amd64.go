//go:build ignore

// gen_amd64.go writes gemm_amd64.s, the amd64 GEMM micro-kernels and the
// FMA peak loops. Run it with go generate (see kernel_amd64.go).
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
)

var out bytes.Buffer

func p(format string, args ...any) { fmt.Fprintf(&out, format+"\n", args...) }

// kernel describes one register-blocked micro-kernel: mr rows of A times
// vecs vectors of w floats of B, on registers named reg (Y or Z).
type kernel struct {
	name   string
	mr     int // rows of the C tile
	vecs   int // vectors per row of the C tile
	w      int // floats per vector
	reg    string
	unroll int // k iterations per loop trip
}

func (kn kernel) nr() int { return kn.vecs * kn.w }

// acc names the accumulator of C tile row i, vector v.
func (kn kernel) acc(i, v int) string { return fmt.Sprintf("%s%d", kn.reg, i*kn.vecs+v) }

// bv names the register holding vector v of the current B row; bc names the
// j-th broadcast register.
func (kn kernel) bv(v int) string { return fmt.Sprintf("%s%d", kn.reg, kn.mr*kn.vecs+v) }
func (kn kernel) bc(j int) string {
	return fmt.Sprintf("%s%d", kn.reg, kn.mr*kn.vecs+kn.vecs+j%kn.nbc())
}

// nbc is the number of broadcast registers rotated through.
func (kn kernel) nbc() int {
	regs := 16
	if kn.reg == "Z" {
		regs = 32
	}
	return min(regs-kn.mr*kn.vecs-kn.vecs, 4)
}

func (kn kernel) zero(r string) string {
	if kn.reg == "Z" {
		return fmt.Sprintf("VPXORD %s, %s, %s", r, r, r)
	}
	return fmt.Sprintf("VXORPS %s, %s, %s", r, r, r)
}

// aAddr returns the address of row i of the current column of A: rows
// come four to a base register (SI, R11, R12), at 0, 1, 2 and 3 times the
// row stride R8 (R9 holds 3 R8).
func aAddr(i int) string {
	base := []string{"SI", "R11", "R12"}[i/4]
	switch i % 4 {
	case 0:
		return "(" + base + ")"
	case 1:
		return "(" + base + ")(R8*1)"
	case 2:
		return "(" + base + ")(R8*2)"
	}
	return "(" + base + ")(R9*1)"
}

// step emits one k iteration: it reads a row of B at DI and a column of A
// at the base registers, then moves them on to the next ones.
func (kn kernel) step() {
	vb := kn.w * 4
	for v := range kn.vecs {
		p("\tVMOVUPS %d(DI), %s", v*vb, kn.bv(v))
	}
	for i := range kn.mr {
		p("\tVBROADCASTSS %s, %s", aAddr(i), kn.bc(i))
		for v := range kn.vecs {
			p("\tVFMADD231PS %s, %s, %s", kn.bv(v), kn.bc(i), kn.acc(i, v))
		}
	}
	for b := range kn.bases() {
		p("\tADDQ R13, %s", []string{"SI", "R11", "R12"}[b])
	}
	p("\tADDQ R10, DI")
}

func (kn kernel) bases() int { return (kn.mr + 3) / 4 }

func (kn kernel) emit() {
	vb := kn.w * 4
	p("// func %s(k int, a *float32, rsa, csa int, b *float32, csb int, c *float32, ldc int, alpha, beta float32)", kn.name)
	p("//")
	p("// C[%d x %d] = alpha A B + beta C, or alpha A B if beta == 0, where", kn.mr, kn.nr())
	p("// A[i][p] is a[i*rsa + p*csa] and B[p][j] is b[p*csb + j].")
	p("TEXT ·%s(SB), NOSPLIT, $0-72", kn.name)
	p("\tMOVQ k+0(FP), CX")
	p("\tMOVQ a+8(FP), SI")
	p("\tMOVQ rsa+16(FP), R8")
	p("\tSHLQ $2, R8")
	p("\tLEAQ (R8)(R8*2), R9")
	p("\tMOVQ csa+24(FP), R13")
	p("\tSHLQ $2, R13")
	p("\tMOVQ b+32(FP), DI")
	p("\tMOVQ csb+40(FP), R10")
	p("\tSHLQ $2, R10")
	p("\tMOVQ c+48(FP), DX")
	p("\tMOVQ ldc+56(FP), BX")
	p("\tSHLQ $2, BX")
	if kn.bases() > 1 {
		p("\tLEAQ (SI)(R8*4), R11")
	}
	if kn.bases() > 2 {
		p("\tLEAQ (R11)(R8*4), R12")
	}
	// Prefetch the C tile while the products are computed.
	p("\tMOVQ DX, AX")
	for range kn.mr {
		// The row may straddle one more line than it fills.
		for off := 0; off < kn.nr()*4; off += 64 {
			p("\tPREFETCHT0 %d(AX)", off)
		}
		p("\tPREFETCHT0 %d(AX)", kn.nr()*4-4)
		p("\tADDQ BX, AX")
	}
	for i := range kn.mr {
		for v := range kn.vecs {
			p("\t%s", kn.zero(kn.acc(i, v)))
		}
	}
	p("\tMOVQ CX, AX")
	p("\tSHRQ $%d, AX", log2(kn.unroll))
	p("\tJZ %s_tail", kn.name)
	p("%s_loop:", kn.name)
	for range kn.unroll {
		kn.step()
	}
	p("\tDECQ AX")
	p("\tJNZ %s_loop", kn.name)
	p("%s_tail:", kn.name)
	p("\tANDQ $%d, CX", kn.unroll-1)
	p("\tJZ %s_scale", kn.name)
	p("%s_tailloop:", kn.name)
	kn.step()
	p("\tDECQ CX")
	p("\tJNZ %s_tailloop", kn.name)
	p("%s_scale:", kn.name)
	// alpha == 1 leaves the products as they are.
	p("\tMOVL alpha+64(FP), AX")
	p("\tCMPL AX, $0x3f800000")
	p("\tJEQ %s_store", kn.name)
	alpha := kn.bc(0)
	p("\tVBROADCASTSS alpha+64(FP), %s", alpha)
	for i := range kn.mr {
		for v := range kn.vecs {
			p("\tVMULPS %s, %s, %s", alpha, kn.acc(i, v), kn.acc(i, v))
		}
	}
	p("%s_store:", kn.name)
	// beta == 0 (either sign) if its bits but the sign are 0.
	p("\tMOVL beta+68(FP), AX")
	p("\tANDL $0x7fffffff, AX")
	p("\tJNZ %s_beta", kn.name)
	for i := range kn.mr {
		for v := range kn.vecs {
			p("\tVMOVUPS %s, %d(DX)", kn.acc(i, v), v*vb)
		}
		if i < kn.mr-1 {
			p("\tADDQ BX, DX")
		}
	}
	p("\tVZEROUPPER")
	p("\tRET")
	p("%s_beta:", kn.name)
	beta := kn.bc(0)
	p("\tVBROADCASTSS beta+68(FP), %s", beta)
	for i := range kn.mr {
		for v := range kn.vecs {
			p("\tVFMADD231PS %d(DX), %s, %s", v*vb, beta, kn.acc(i, v))
			p("\tVMOVUPS %s, %d(DX)", kn.acc(i, v), v*vb)
		}
		if i < kn.mr-1 {
			p("\tADDQ BX, DX")
		}
	}
	p("\tVZEROUPPER")
	p("\tRET")
	p("")
}

// peak emits a loop of independent FMAs, n trips of 12 FMAs on 12
// accumulators, to measure the core's FMA throughput.
func peak(name, reg string) {
	p("// func %s(n int)", name)
	p("TEXT ·%s(SB), NOSPLIT, $0-8", name)
	p("\tMOVQ n+0(FP), CX")
	for i := range 14 {
		p("\tVXORPS Y%d, Y%d, Y%d", i, i, i)
	}
	p("%s_loop:", name)
	for r := range 12 {
		p("\tVFMADD231PS %s12, %s13, %s%d", reg, reg, reg, r)
	}
	p("\tDECQ CX")
	p("\tJNZ %s_loop", name)
	p("\tVZEROUPPER")
	p("\tRET")
	p("")
}

// transpose emits transpose8x8, which transposes 8 x 8 blocks of floats
// with AVX: 8 row loads, 24 shuffles, 8 row stores.
func transpose() {
	p("// func transpose8x8(blocks int, src *float32, lds int, dst *float32, ldd int)")
	p("//")
	p("// For b < blocks and i, j < 8: dst[(8b+i)*ldd + j] = src[j*lds + 8b+i].")
	p("TEXT ·transpose8x8(SB), NOSPLIT, $0-40")
	p("\tMOVQ blocks+0(FP), CX")
	p("\tMOVQ src+8(FP), SI")
	p("\tMOVQ lds+16(FP), R8")
	p("\tSHLQ $2, R8")
	p("\tLEAQ (R8)(R8*2), R10")
	p("\tLEAQ (SI)(R8*4), R11")
	p("\tMOVQ dst+24(FP), DI")
	p("\tMOVQ ldd+32(FP), R9")
	p("\tSHLQ $2, R9")
	p("\tLEAQ (R9)(R9*2), R12")
	p("\tLEAQ (DI)(R9*4), R13")
	p("\tTESTQ CX, CX")
	p("\tJZ transpose8x8_done")
	p("transpose8x8_loop:")
	rows := []string{"(SI)", "(SI)(R8*1)", "(SI)(R8*2)", "(SI)(R10*1)", "(R11)", "(R11)(R8*1)", "(R11)(R8*2)", "(R11)(R10*1)"}
	for j, r := range rows {
		p("\tVMOVUPS %s, Y%d", r, j)
	}
	for i := 0; i < 8; i += 2 {
		p("\tVUNPCKLPS Y%d, Y%d, Y%d", i+1, i, 8+i)
		p("\tVUNPCKHPS Y%d, Y%d, Y%d", i+1, i, 9+i)
	}
	// Y8 a0b0a1b1, Y9 a2b2a3b3, Y10 c0d0c1d1, Y11 c2d2c3d3, Y12.. e/f, Y14.. g/h.
	for h, pair := range [][2]int{{8, 10}, {9, 11}, {12, 14}, {13, 15}} {
		p("\tVSHUFPS $0x44, Y%d, Y%d, Y%d", pair[1], pair[0], 2*h)
		p("\tVSHUFPS $0xEE, Y%d, Y%d, Y%d", pair[1], pair[0], 2*h+1)
	}
	// Y0..Y3 hold columns 0..3 (and 4..7 in their high halves) of rows
	// a-d, Y4..Y7 the same of rows e-h.
	for i := range 4 {
		p("\tVPERM2F128 $0x20, Y%d, Y%d, Y%d", 4+i, i, 8+i)
		p("\tVPERM2F128 $0x31, Y%d, Y%d, Y%d", 4+i, i, 12+i)
	}
	outs := []string{"(DI)", "(DI)(R9*1)", "(DI)(R9*2)", "(DI)(R12*1)", "(R13)", "(R13)(R9*1)", "(R13)(R9*2)", "(R13)(R12*1)"}
	for i, o := range outs {
		p("\tVMOVUPS Y%d, %s", 8+i, o)
	}
	p("\tADDQ $32, SI")
	p("\tADDQ $32, R11")
	p("\tLEAQ (DI)(R9*8), DI")
	p("\tLEAQ (R13)(R9*8), R13")
	p("\tDECQ CX")
	p("\tJNZ transpose8x8_loop")
	p("transpose8x8_done:")
	p("\tVZEROUPPER")
	p("\tRET")
	p("")
}

func log2(n int) int {
	l := 0
	for 1<<l < n {
		l++
	}
	if 1<<l != n {
		log.Fatalf("unroll %d is not a power of two", n)
	}
	return l
}

func main() {
	p("// Code generated by gen_amd64.go; DO NOT EDIT.")
	p("")
	p("//go:build !purego")
	p("")
	p("#include \"textflag.h\"")
	p("")
	for _, kn := range []kernel{
		{name: "kernAVX512", mr: 12, vecs: 2, w: 16, reg: "Z", unroll: 4},
		{name: "kernAVX2", mr: 6, vecs: 2, w: 8, reg: "Y", unroll: 4},
	} {
		kn.emit()
	}
	transpose()
	peak("fmaPeakAVX512", "Z")
	peak("fmaPeakAVX2", "Y")
	if err := os.WriteFile("gemm_amd64.s", out.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
