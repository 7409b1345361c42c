module github.com/edgeinfer/edgeinfer

go 1.26.0

require (
	github.com/google/flatbuffers v25.12.19+incompatible
	github.com/x448/float16 v0.8.4
	golang.org/x/sys v0.50.0
	google.golang.org/protobuf v1.36.12
)
