package camera

import (
	"bytes"
	"image"
	"image/jpeg"
	"sync"
)

// Many UVC webcams send MJPEG frames without Huffman tables (the
// "AVI1" MJPEG convention: decoders must assume the standard tables of
// JPEG Annex K.3), which image/jpeg rejects. Such frames get the standard
// tables inserted after their start-of-image marker. The table segments
// are taken from image/jpeg's own encoder output, which writes exactly
// the Annex K.3 tables.

var standardDHT = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil); err != nil {
		panic(err) // encoding an 8x8 image into memory cannot fail
	}
	var dht []byte
	forEachSegment(b.Bytes(), func(marker byte, seg []byte) bool {
		if marker == 0xC4 {
			dht = append(dht, seg...)
		}
		return marker != 0xDA
	})
	return dht
})

// forEachSegment calls f with each marker segment (marker bytes included)
// of a JPEG up to and including the start of scan, until f returns false.
func forEachSegment(data []byte, f func(marker byte, seg []byte) bool) {
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return
		}
		m := data[i+1]
		if m == 0xFF { // fill
			i++
			continue
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		end := i + 2 + n
		if n < 2 || end > len(data) {
			return
		}
		if !f(m, data[i:end]) {
			return
		}
		i = end
	}
}

// hasHuffmanTables reports whether a JPEG defines Huffman tables before
// its first scan.
func hasHuffmanTables(data []byte) bool {
	found := false
	forEachSegment(data, func(m byte, _ []byte) bool {
		found = found || m == 0xC4
		return !found && m != 0xDA
	})
	return found
}

// withStandardHuffman returns data with the standard Huffman tables after
// its SOI marker, built in buf's memory.
func withStandardHuffman(buf, data []byte) []byte {
	buf = append(buf[:0], data[:2]...)
	buf = append(buf, standardDHT()...)
	return append(buf, data[2:]...)
}
