package camera

// A Sink acts on results: prints them, publishes them over MQTT, serves
// them over HTTP, drives GPIO, saves snapshots.
//
// The Pipeline calls Publish on its inference goroutine, once per
// classified frame, for each sink in order, so a slow Publish delays the
// next inference (frames keep being captured; the stale ones are
// dropped). Publish should therefore only record the result or hand it to
// the sink's own goroutine, and return within a millisecond or so;
// network and disk work belongs on that goroutine. The Result, its Top
// slice and its Frame are reused for the next frame: a sink keeps what it
// needs by copying (Frame.CopyTo reuses the destination's memory).
//
// An error from Publish is counted (Stats.SinkErrors) and logged, at most
// once a second per sink, and does not stop the pipeline. Close is called
// once when the pipeline stops (SIGINT/SIGTERM, end of a finite source, or
// a fatal source error), after the last Publish and after the source has
// been closed; it should flush and release everything (publish "offline",
// stop servers), and is given no deadline.
type Sink interface {
	Publish(r *Result) error
	Close() error
}
