package ssmsession

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestMessageRoundTripKeepsEveryField(t *testing.T) {
	id := uuid.MustParse("00112233-4455-6677-8899-aabbccddeeff")
	m := &message{Type: typeOutput, SchemaVersion: 1, CreatedDate: 1767225600123, Sequence: 42, Flags: 3, ID: id,
		PayloadType: PayloadStdErr, Payload: []byte("hello")}
	b, err := encode(m)
	if err != nil {
		t.Fatal(err)
	}
	// THEN the header is laid out as the plugin lays it out: 116, the
	// space-padded type, the UUID's low half first
	if binary.BigEndian.Uint32(b) != 116 || string(b[4:36]) != "output_stream_data              " {
		t.Fatalf("header %q", b[:36])
	}
	if got := b[offID : offID+16]; !bytes.Equal(got, []byte{0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77}) {
		t.Fatalf("message id bytes % x", got)
	}
	if binary.BigEndian.Uint32(b[offPayloadType:]) != 11 || binary.BigEndian.Uint32(b[offPayloadLength:]) != 5 || string(b[120:]) != "hello" {
		t.Fatalf("payload fields % x", b[offPayloadType:])
	}
	got, err := decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Type != m.Type || got.SchemaVersion != 1 || got.CreatedDate != m.CreatedDate || got.Sequence != 42 || got.Flags != 3 ||
		got.ID != id || got.PayloadType != PayloadStdErr || string(got.Payload) != "hello" {
		t.Fatalf("decoded %+v", got)
	}
}

func TestDecodeRefusesWhatIsNotAMessage(t *testing.T) {
	good, _ := encode(&message{Type: typeOutput, SchemaVersion: 1, Sequence: 1, ID: uuid.New(), PayloadType: PayloadOutput, Payload: []byte("data")})
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for _, tc := range []struct {
		name, want string
		b          []byte
	}{
		{"empty", "0 bytes, fewer than the 120", nil},
		{"truncated header", "119 bytes, fewer than the 120", good[:119]},
		{"truncated payload", "payload length 4, but 2 bytes follow", good[:122]},
		{"trailing bytes", "payload length 4, but 5 bytes follow", append(bytes.Clone(good), 'x')},
		{"payload length past the end", "payload length 4294967295, but 4 bytes follow", edit(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[offPayloadLength:], 0xffffffff)
			return b
		})},
		{"header length", "header length 4096, want 116", edit(func(b []byte) []byte { binary.BigEndian.PutUint32(b, 4096); return b })},
		{"digest mismatch", "the payload of output_stream_data 1 does not match its digest", edit(func(b []byte) []byte { b[120] ^= 1; return b })},
		{"no type", "no message type", edit(func(b []byte) []byte { copy(b[4:36], strings.Repeat(" ", 32)); return b })},
		{"oversized", "more than the 262264 allowed", make([]byte, MaxFrame+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode(tc.b)
			var fe *FrameError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
		})
	}
}

func TestEncodeRefusesAnOversizedPayload(t *testing.T) {
	if _, err := encode(&message{Type: typeInput, Payload: make([]byte, MaxPayload+1)}); err == nil {
		t.Fatal("a payload over MaxPayload was encoded")
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := encode(&message{Type: typeOutput, ID: uuid.New(), Payload: []byte("x")})
	f.Add(good)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decode(b)
		if err == nil && len(m.Payload) != len(b)-frameOverhead {
			t.Fatalf("payload of %d bytes from a %d byte message", len(m.Payload), len(b))
		}
	})
}
