//go:build gc && !purego

package kernels

import (
	"errors"

	"golang.org/x/sys/cpu"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// archVariants are the assembly variants of amd64, fastest first.
var archVariants = []Variant{AVX512VNNI, AVXVNNI, AVX2}

// archEmulation: kernels/amd64 assembled with -D=EDGEINFER_EMULATE_VNNI
// (scripts/test-vnni-emulated.sh) computes AVX-VNNI's VPDPBUSD with AVX2;
// built with -tags edgeinfer_avx512twin (scripts/test-avx512vnni.sh) it runs
// the AVX-512 VNNI tile's Go twin.
func archEmulation(v Variant) string {
	if v == AVXVNNI && amd64.VNNIEmulated && !cpu.X86.HasAVXVNNI {
		return "VPDPBUSD emulated with AVX2: a -D=EDGEINFER_EMULATE_VNNI test build"
	}
	if v == AVX512VNNI && amd64.AVX512VNNITwin {
		return "the 8x32 tile runs its Go twin: a -tags edgeinfer_avx512twin test build"
	}
	return ""
}

// archSupport reports why variant v cannot run on this CPU (nil if it can).
// The assembly kernels of every variant also use AVX2 for packing and
// requantization, so each variant requires it.
func archSupport(v Variant) error {
	x := &cpu.X86
	if !x.HasAVX2 {
		return errors.New("the CPU (or OS) lacks AVX2")
	}
	if err := gemmSelfTestErr[v]; err != nil {
		return err
	}
	switch v {
	case AVX2:
		return nil
	case AVXVNNI:
		if !amd64.HasAVXVNNI {
			return errors.New("the CPU lacks AVX-VNNI (VEX VPDPBUSD)")
		}
		return nil
	case AVX512VNNI:
		if amd64.AVX512VNNITwin {
			return nil
		}
		if !x.HasAVX512F || !x.HasAVX512BW || !x.HasAVX512VL || !x.HasAVX512VNNI {
			return errors.New("the CPU (or OS) lacks AVX-512 F/BW/VL/VNNI")
		}
		return nil
	}
	return errors.New("it is not an amd64 variant")
}
