package format

import (
	"encoding/binary"
	"hash/crc32"
)

// The file ends in a 16-byte trailer: the magic, the CRC-32C (Castagnoli)
// of every byte before the trailer, and the format version, all
// little-endian. The trailer lives outside the FlatBuffer so that the
// version and checksum can be read before anything is parsed.
const (
	trailerMagic = "EINFTAIL"
	trailerSize  = 16
)

// maxFlatBuffer bounds the FlatBuffer region: FlatBuffers offsets are
// 32-bit and the Go runtime keeps table positions below 2^31. Payloads
// may lie beyond it.
const maxFlatBuffer = 1<<31 - 1

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// trailer is the decoded file trailer.
type trailer struct {
	checksum uint32
	version  uint32
}

// readTrailer checks the file identifier and the trailer magic and returns
// the trailer. The identifier comes first so that any other file is
// reported as "not a model" rather than as truncated.
func readTrailer(data []byte) (trailer, error) {
	if len(data) < 8 {
		return trailer{}, fileError(ErrNotModel, "%s: the file is %d bytes, too short for a model", ErrNotModel, len(data))
	}
	if id := string(data[4:8]); id != Identifier {
		return trailer{}, fileError(ErrNotModel, "%s (wrong file identifier %q, want %q)", ErrNotModel, id, Identifier)
	}
	if len(data) < 8+trailerSize || string(data[len(data)-trailerSize:][:8]) != trailerMagic {
		return trailer{}, fileError(ErrTruncated, "%s: no %s trailer at the end of the %d-byte file", ErrTruncated, trailerMagic, len(data))
	}
	t := data[len(data)-8:]
	return trailer{checksum: binary.LittleEndian.Uint32(t), version: binary.LittleEndian.Uint32(t[4:])}, nil
}

// checkVersion rejects versions this package cannot read.
func checkVersion(v uint32) error {
	switch {
	case v > Version:
		return fileError(ErrVersion, "format version %d is newer than this runtime supports (%d)", v, Version)
	case v < Version:
		return fileError(ErrVersion, "format version %d is not a valid version (this runtime reads %d)", v, Version)
	}
	return nil
}

// appendTrailer appends the trailer for body (everything before it).
func appendTrailer(body []byte) []byte {
	sum := crc32.Checksum(body, castagnoli)
	body = append(body, trailerMagic...)
	body = binary.LittleEndian.AppendUint32(body, sum)
	return binary.LittleEndian.AppendUint32(body, Version)
}

// alignUp rounds n up to a multiple of DataAlignment.
func alignUp(n int) int {
	return (n + DataAlignment - 1) &^ (DataAlignment - 1)
}
