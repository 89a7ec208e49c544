package table

import (
	"sync"
	_ "unsafe" // for go:linkname

	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// Arrow Go v15's zstd codec builds a new zstd.Encoder for every data page it
// compresses (zstdCodec.EncodeLevel), which allocates and clears ~10 MB of
// match history each time: writing 200k rows allocated ~930 MB and spent
// most of its time clearing memory. pooledZstd keeps one encoder per level
// (EncodeAll is safe for concurrent use) and is installed in place of Arrow's
// codec. Decoding and streaming are delegated unchanged.
type pooledZstd struct {
	compress.Codec // Arrow's own codec, for everything but block encoding

	mu       sync.Mutex
	encoders map[zstd.EncoderLevel]*zstd.Encoder
}

func (z *pooledZstd) encoder(level int) *zstd.Encoder {
	l := zstd.SpeedDefault
	if level != compress.DefaultCompressionLevel {
		l = zstd.EncoderLevelFromZstd(level)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	enc, ok := z.encoders[l]
	if !ok {
		enc, _ = zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(l),
			zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<20))
		z.encoders[l] = enc
	}
	return enc
}

func (z *pooledZstd) Encode(dst, src []byte) []byte {
	return z.EncodeLevel(dst, src, compress.DefaultCompressionLevel)
}

func (z *pooledZstd) EncodeLevel(dst, src []byte, level int) []byte {
	return z.encoder(level).EncodeAll(src, dst[:0])
}

//go:linkname arrowCodecs github.com/apache/arrow/go/v15/parquet/compress.codecs
var arrowCodecs map[compress.Compression]compress.Codec

func init() {
	if c, ok := arrowCodecs[compress.Codecs.Zstd]; ok {
		arrowCodecs[compress.Codecs.Zstd] = &pooledZstd{Codec: c, encoders: map[zstd.EncoderLevel]*zstd.Encoder{}}
	}
}
