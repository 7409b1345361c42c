package format

// The FlatBuffers code in fb/ is generated from edgeinfer.fbs by Debian's
// flatbuffers-compiler; .ci/run regenerates it and fails on any diff.
//go:generate sh -c "rm -rf fb && flatc --go -o . edgeinfer.fbs && gofmt -w fb"
