//go:build linux

package camera

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The V4L2 ABI: the few structures and ioctls mmap streaming capture
// needs, mirroring <linux/videodev2.h>. Field types follow the C types
// (unix.Timeval and uintptr are the platform's timeval and pointer-sized
// union), so layouts hold on 32- and 64-bit Linux alike;
// v4l2_abi_linux_test.go compiles a C program against the installed
// kernel headers and compares every size and offset.

type v4l2Capability struct {
	Driver       [16]byte
	Card         [32]byte
	BusInfo      [32]byte
	Version      uint32
	Capabilities uint32
	DeviceCaps   uint32
	Reserved     [3]uint32
}

type v4l2FmtDesc struct {
	Index       uint32
	Type        uint32
	Flags       uint32
	Description [32]byte
	PixelFormat uint32
	MbusCode    uint32
	Reserved    [3]uint32
}

type v4l2PixFormat struct {
	Width        uint32
	Height       uint32
	PixelFormat  uint32
	Field        uint32
	BytesPerLine uint32
	SizeImage    uint32
	Colorspace   uint32
	Priv         uint32
	Flags        uint32
	YcbcrEnc     uint32
	Quantization uint32
	XferFunc     uint32
}

// v4l2Format is struct v4l2_format: the union is 200 bytes, aligned like a
// pointer (it holds struct v4l2_window's pointers).
type v4l2Format struct {
	Type uint32
	_    [0]uintptr
	Fmt  [200]byte
}

func (f *v4l2Format) pix() *v4l2PixFormat { return (*v4l2PixFormat)(unsafe.Pointer(&f.Fmt[0])) }

type v4l2RequestBuffers struct {
	Count        uint32
	Type         uint32
	Memory       uint32
	Capabilities uint32
	Flags        uint8
	Reserved     [3]uint8
}

type v4l2Timecode struct {
	Type     uint32
	Flags    uint32
	Frames   uint8
	Seconds  uint8
	Minutes  uint8
	Hours    uint8
	Userbits [4]uint8
}

type v4l2Buffer struct {
	Index     uint32
	Type      uint32
	BytesUsed uint32
	Flags     uint32
	Field     uint32
	Timestamp unix.Timeval
	Timecode  v4l2Timecode
	Sequence  uint32
	Memory    uint32
	M         uintptr // union { __u32 offset; unsigned long userptr; ... }: offset is its low 32 bits
	Length    uint32
	Reserved2 uint32
	RequestFD int32
}

type v4l2FrmSizeEnum struct {
	Index       uint32
	PixelFormat uint32
	Type        uint32
	Size        [6]uint32 // discrete {width, height} or stepwise {min_w, max_w, step_w, min_h, max_h, step_h}
	Reserved    [2]uint32
}

const (
	v4l2BufTypeVideoCapture = 1
	v4l2MemoryMMAP          = 1
	v4l2FieldNone           = 1
	v4l2FrmSizeDiscrete     = 1

	v4l2CapDeviceCaps = 0x80000000

	v4l2BufFlagError = 0x00000040

	v4l2ColorspaceJPEG    = 7
	v4l2QuantizationFull  = 1
	v4l2QuantizationLimit = 2
)

// ioctl request numbers, as the kernel's _IOC macros compute them.
const (
	iocWrite = 1
	iocRead  = 2
)

func ioc(dir, nr, size uintptr) uintptr { return dir<<30 | size<<16 | 'V'<<8 | nr }

var (
	vidiocQueryCap      = ioc(iocRead, 0, unsafe.Sizeof(v4l2Capability{}))
	vidiocEnumFmt       = ioc(iocRead|iocWrite, 2, unsafe.Sizeof(v4l2FmtDesc{}))
	vidiocGFmt          = ioc(iocRead|iocWrite, 4, unsafe.Sizeof(v4l2Format{}))
	vidiocSFmt          = ioc(iocRead|iocWrite, 5, unsafe.Sizeof(v4l2Format{}))
	vidiocReqBufs       = ioc(iocRead|iocWrite, 8, unsafe.Sizeof(v4l2RequestBuffers{}))
	vidiocQueryBuf      = ioc(iocRead|iocWrite, 9, unsafe.Sizeof(v4l2Buffer{}))
	vidiocQBuf          = ioc(iocRead|iocWrite, 15, unsafe.Sizeof(v4l2Buffer{}))
	vidiocDQBuf         = ioc(iocRead|iocWrite, 17, unsafe.Sizeof(v4l2Buffer{}))
	vidiocStreamOn      = ioc(iocWrite, 18, unsafe.Sizeof(int32(0)))
	vidiocStreamOff     = ioc(iocWrite, 19, unsafe.Sizeof(int32(0)))
	vidiocEnumFrameSize = ioc(iocRead|iocWrite, 74, unsafe.Sizeof(v4l2FrmSizeEnum{}))
)

// ioctl issues one V4L2 request, retrying when a signal interrupts it.
func ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	for {
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg))
		if errno != unix.EINTR {
			if errno != 0 {
				return errno
			}
			return nil
		}
	}
}
