package ssmsession

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// Message types of the data channel.
const (
	typeInput            = "input_stream_data"
	typeOutput           = "output_stream_data"
	typeAck              = "acknowledge"
	typeChannelClosed    = "channel_closed"
	typeStartPublication = "start_publication"
	typePausePublication = "pause_publication"
)

// PayloadType says what a stream message carries.
type PayloadType uint32

// The payload types of Session Manager's protocol.
const (
	PayloadOutput               PayloadType = 1
	PayloadError                PayloadType = 2
	PayloadSize                 PayloadType = 3
	PayloadParameter            PayloadType = 4
	PayloadHandshakeRequest     PayloadType = 5
	PayloadHandshakeResponse    PayloadType = 6
	PayloadHandshakeComplete    PayloadType = 7
	PayloadEncChallengeRequest  PayloadType = 8
	PayloadEncChallengeResponse PayloadType = 9
	PayloadFlag                 PayloadType = 10
	PayloadStdErr               PayloadType = 11
	PayloadExitCode             PayloadType = 12
)

// Flag is the payload of a PayloadFlag message (a big-endian uint32).
type Flag uint32

// The flags either side sends.
const (
	FlagDisconnectToPort   Flag = 1
	FlagTerminateSession   Flag = 2
	FlagConnectToPortError Flag = 3
)

// The layout of a message on the wire, all integers big-endian:
//
//	HeaderLength   uint32  (116: the bytes before PayloadLength)
//	MessageType    32 bytes, space padded
//	SchemaVersion  uint32
//	CreatedDate    uint64  milliseconds since 1970
//	SequenceNumber int64
//	Flags          uint64
//	MessageId      16 bytes: the UUID's last 8 bytes, then its first 8
//	PayloadDigest  32 bytes, SHA-256 of the payload
//	PayloadType    uint32
//	PayloadLength  uint32
//	Payload
const (
	offType          = 4
	lenType          = 32
	offSchema        = offType + lenType
	offCreated       = offSchema + 4
	offSequence      = offCreated + 8
	offFlags         = offSequence + 8
	offID            = offFlags + 8
	offDigest        = offID + 16
	offPayloadType   = offDigest + 32
	offPayloadLength = offPayloadType + 4
	headerLength     = offPayloadLength
	// frameOverhead is the size of a message with an empty payload.
	frameOverhead = headerLength + 4
)

// MaxPayload is the largest payload accepted or sent; the agent sends at
// most a few KiB in one message, so anything near this is hostile.
const MaxPayload = 256 << 10

// MaxFrame bounds one websocket message read from the data channel.
const MaxFrame = frameOverhead + MaxPayload

// message is one message of the data channel.
type message struct {
	Type          string
	SchemaVersion uint32
	CreatedDate   uint64
	Sequence      int64
	Flags         uint64
	ID            uuid.UUID
	PayloadType   PayloadType
	Payload       []byte
}

// FrameError says why bytes from the data channel are not a message.
type FrameError struct{ Reason string }

func (e *FrameError) Error() string { return "malformed data channel message: " + e.Reason }

// encode lays m out on the wire.
func encode(m *message) ([]byte, error) {
	if len(m.Type) > lenType {
		return nil, fmt.Errorf("message type %q is longer than %d bytes", m.Type, lenType)
	}
	if len(m.Payload) > MaxPayload {
		return nil, fmt.Errorf("payload of %d bytes is over the %d a message may carry", len(m.Payload), MaxPayload)
	}
	b := make([]byte, frameOverhead+len(m.Payload))
	be := binary.BigEndian
	be.PutUint32(b, headerLength)
	copy(b[offType:offSchema], bytes.Repeat([]byte{' '}, lenType))
	copy(b[offType:], m.Type)
	be.PutUint32(b[offSchema:], m.SchemaVersion)
	be.PutUint64(b[offCreated:], m.CreatedDate)
	be.PutUint64(b[offSequence:], uint64(m.Sequence))
	be.PutUint64(b[offFlags:], m.Flags)
	// NOTE: the plugin and the agent write the UUID's least significant
	// half first (Java's UUID as two longs, low then high).
	copy(b[offID:], m.ID[8:])
	copy(b[offID+8:], m.ID[:8])
	sum := sha256.Sum256(m.Payload)
	copy(b[offDigest:], sum[:])
	be.PutUint32(b[offPayloadType:], uint32(m.PayloadType))
	be.PutUint32(b[offPayloadLength:], uint32(len(m.Payload)))
	copy(b[frameOverhead:], m.Payload)
	return b, nil
}

// decode reads a message, checking every length against the bytes there
// are and the payload against its digest. The payload is copied, so b may
// be reused.
func decode(b []byte) (*message, error) {
	if len(b) < frameOverhead {
		return nil, &FrameError{Reason: fmt.Sprintf("%d bytes, fewer than the %d of a header", len(b), frameOverhead)}
	}
	if len(b) > MaxFrame {
		return nil, &FrameError{Reason: fmt.Sprintf("%d bytes, more than the %d allowed", len(b), MaxFrame)}
	}
	be := binary.BigEndian
	hl := be.Uint32(b)
	if hl != headerLength {
		return nil, &FrameError{Reason: fmt.Sprintf("header length %d, want %d", hl, headerLength)}
	}
	n := be.Uint32(b[offPayloadLength:])
	if uint64(n) != uint64(len(b)-frameOverhead) {
		return nil, &FrameError{Reason: fmt.Sprintf("payload length %d, but %d bytes follow the header", n, len(b)-frameOverhead)}
	}
	m := &message{
		Type:          strings.TrimSpace(string(bytes.Trim(b[offType:offSchema], "\x00"))),
		SchemaVersion: be.Uint32(b[offSchema:]),
		CreatedDate:   be.Uint64(b[offCreated:]),
		Sequence:      int64(be.Uint64(b[offSequence:])),
		Flags:         be.Uint64(b[offFlags:]),
		PayloadType:   PayloadType(be.Uint32(b[offPayloadType:])),
		Payload:       bytes.Clone(b[frameOverhead:]),
	}
	copy(m.ID[8:], b[offID:offID+8])
	copy(m.ID[:8], b[offID+8:offID+16])
	if m.Type == "" {
		return nil, &FrameError{Reason: "no message type"}
	}
	if n > 0 {
		if sum := sha256.Sum256(m.Payload); !bytes.Equal(sum[:], b[offDigest:offDigest+32]) {
			return nil, &FrameError{Reason: fmt.Sprintf("the payload of %s %d does not match its digest", m.Type, m.Sequence)}
		}
	}
	return m, nil
}

// ackContent is the payload of an acknowledge message.
type ackContent struct {
	MessageType    string `json:"AcknowledgedMessageType"`
	MessageID      string `json:"AcknowledgedMessageId"`
	SequenceNumber int64  `json:"AcknowledgedMessageSequenceNumber"`
	IsSequential   bool   `json:"IsSequentialMessage"`
}

// channelClosed is the payload of a channel_closed message.
type channelClosed struct {
	SessionID string `json:"SessionId"`
	Output    string `json:"Output"`
}

// openDataChannel is the first (text) message on the websocket.
type openDataChannel struct {
	MessageSchemaVersion string `json:"MessageSchemaVersion"`
	RequestID            string `json:"RequestId"`
	TokenValue           string `json:"TokenValue"`
	ClientID             string `json:"ClientId"`
	ClientVersion        string `json:"ClientVersion"`
}

// The handshake's payloads.
type (
	handshakeRequest struct {
		AgentVersion           string            `json:"AgentVersion"`
		RequestedClientActions []requestedAction `json:"RequestedClientActions"`
	}
	requestedAction struct {
		ActionType       string          `json:"ActionType"`
		ActionParameters json.RawMessage `json:"ActionParameters"`
	}
	handshakeResponse struct {
		ClientVersion          string            `json:"ClientVersion"`
		ProcessedClientActions []processedAction `json:"ProcessedClientActions"`
		Errors                 []string          `json:"Errors"`
	}
	processedAction struct {
		ActionType   string `json:"ActionType"`
		ActionStatus int    `json:"ActionStatus"`
		ActionResult any    `json:"ActionResult"`
		Error        string `json:"Error"`
	}
	sessionTypeRequest struct {
		SessionType string          `json:"SessionType"`
		Properties  json.RawMessage `json:"Properties"`
	}
	handshakeComplete struct {
		HandshakeTimeToComplete int64  `json:"HandshakeTimeToComplete"`
		CustomerMessage         string `json:"CustomerMessage"`
	}
	// sizeData is the payload of a PayloadSize message.
	sizeData struct {
		Cols uint32 `json:"cols"`
		Rows uint32 `json:"rows"`
	}
)

// The action statuses of a handshake response.
const (
	actionSuccess     = 1
	actionFailed      = 2
	actionUnsupported = 3
)
