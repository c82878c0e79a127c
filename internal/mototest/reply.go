package mototest

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/aws/smithy-go/eventstream"
)

// Handler answers one operation for a Front. Returning nil forwards the
// request to moto.
type Handler func(r *Request) Reply

// Reply is a Handler's answer.
type Reply interface {
	serve(w http.ResponseWriter, r *Request)
}

type replyFunc func(w http.ResponseWriter, r *Request)

func (f replyFunc) serve(w http.ResponseWriter, r *Request) { f(w, r) }

// JSON answers 200 with v as the JSON body (v may be a json.RawMessage or a
// string holding JSON).
func JSON(v any) Reply {
	return replyFunc(func(w http.ResponseWriter, r *Request) {
		var b []byte
		switch t := v.(type) {
		case string:
			b = []byte(t)
		case json.RawMessage:
			b = t
		default:
			var err error
			if b, err = json.Marshal(v); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Requestid", "00000000-0000-0000-0000-000000000000")
		_, _ = w.Write(b)
	})
}

// XML answers 200 with body (a query-protocol response document).
func XML(body string) Reply {
	return replyFunc(func(w http.ResponseWriter, r *Request) {
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(body))
	})
}

// Error answers with an AWS error in the request's protocol (JSON for
// X-Amz-Target calls, an XML ErrorResponse for query calls).
func Error(status int, code, message string) Reply {
	return replyFunc(func(w http.ResponseWriter, r *Request) {
		if r.isJSON() {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.Header().Set("X-Amzn-Errortype", code)
			w.WriteHeader(status)
			b, _ := json.Marshal(map[string]string{"__type": code, "message": message})
			_, _ = w.Write(b)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>0</RequestId></ErrorResponse>`,
			html.EscapeString(code), html.EscapeString(message))
	})
}

// Throttled answers as AWS does when a caller exceeds its request rate.
func Throttled() Reply { return Error(http.StatusBadRequest, "ThrottlingException", "Rate exceeded") }

// NotImplemented answers as moto does for an operation it lacks.
func NotImplemented() Reply {
	return replyFunc(func(w http.ResponseWriter, r *Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("<h1>Internal Server Error</h1><p>NotImplementedError</p>"))
	})
}

// Drop cuts the connection without an answer, as a network failure does.
func Drop() Reply {
	return replyFunc(func(w http.ResponseWriter, r *Request) {
		panic(http.ErrAbortHandler)
	})
}

// Hang never answers: it holds the request until the caller gives up (its
// deadline ends the connection) or the Front closes, as a hung endpoint
// does.
func Hang() Reply {
	return replyFunc(func(w http.ResponseWriter, r *Request) {
		<-r.HTTP.Context().Done()
	})
}

// Forward sends the request to moto and relays its answer.
func Forward() Reply {
	return replyFunc(func(w http.ResponseWriter, r *Request) {
		up, err := r.Forward()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		writeUpstream(w, up)
	})
}

// Patch forwards the request to moto and lets edit change the decoded JSON
// answer before it is relayed (to add what moto never fills in: service
// events, deployments in progress, ...). Errors from moto are relayed as is.
func Patch(edit func(out map[string]any)) Reply {
	return replyFunc(func(w http.ResponseWriter, r *Request) {
		up, err := r.Forward()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		if up.Status != http.StatusOK {
			writeUpstream(w, up)
			return
		}
		out := map[string]any{}
		if err := json.Unmarshal(up.Body, &out); err != nil {
			http.Error(w, "patch: moto answer is not JSON: "+err.Error(), http.StatusBadGateway)
			return
		}
		edit(out)
		JSON(out).serve(w, r)
	})
}

func writeUpstream(w http.ResponseWriter, up *Upstream) {
	for k, vs := range up.Header {
		if k == "Content-Length" {
			continue
		}
		w.Header()[k] = vs
	}
	w.WriteHeader(up.Status)
	_, _ = w.Write(up.Body)
}

// Always builds a Handler that always gives the same reply.
func Always(reply Reply) Handler { return func(*Request) Reply { return reply } }

// Seq answers the first call with the first handler, the second with the
// second, and every later call with the last.
func Seq(hs ...Handler) Handler {
	var n atomic.Int64
	return func(r *Request) Reply {
		i := int(n.Add(1)) - 1
		if i >= len(hs) {
			i = len(hs) - 1
		}
		return hs[i](r)
	}
}

// ThrottleFirst answers the first n calls with a ThrottlingException and
// the rest with then (nil: forward to moto).
func ThrottleFirst(n int, then Handler) Handler {
	var seen atomic.Int64
	return func(r *Request) Reply {
		if int(seen.Add(1)) <= n {
			return Throttled()
		}
		if then == nil {
			return nil
		}
		return then(r)
	}
}

// StreamEvent is one event of an event-stream answer: its :event-type
// (e.g. "sessionStart", "sessionUpdate") and JSON payload.
type StreamEvent struct {
	Type    string
	Payload any
}

// StreamEnd says how an event-stream answer ends after its events.
type StreamEnd int

// Ways an event stream ends.
const (
	// EndClose ends the response cleanly.
	EndClose StreamEnd = iota
	// EndDrop cuts the connection in the middle of the response.
	EndDrop
	// EndHold keeps the response open until the caller goes away.
	EndHold
)

// EventStream answers with the AWS event-stream framing the SDK reads for
// streaming operations (logs StartLiveTail): an initial-response message,
// then each event from events as it arrives, then end once events is
// closed. exception, when set, is sent as an exception message before end.
func EventStream(events <-chan StreamEvent, end StreamEnd, exception *StreamException) Reply {
	return replyFunc(func(w http.ResponseWriter, r *Request) {
		w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
		w.WriteHeader(http.StatusOK)
		enc := eventstream.NewEncoder()
		flusher, _ := w.(http.Flusher)
		send := func(msg eventstream.Message) bool {
			if err := enc.Encode(w, msg); err != nil {
				return false
			}
			if flusher != nil {
				flusher.Flush()
			}
			return true
		}
		if !send(eventMessage("initial-response", []byte("{}"))) {
			return
		}
		ctx := r.HTTP.Context()
	loop:
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-events:
				if !ok {
					break loop
				}
				b, err := json.Marshal(ev.Payload)
				if err != nil || !send(eventMessage(ev.Type, b)) {
					return
				}
			}
		}
		if exception != nil {
			var msg eventstream.Message
			msg.Headers.Set(eventstream.MessageTypeHeader, eventstream.StringValue(eventstream.ExceptionMessageType))
			msg.Headers.Set(eventstream.ExceptionTypeHeader, eventstream.StringValue(exception.Type))
			msg.Headers.Set(eventstream.ContentTypeHeader, eventstream.StringValue("application/json"))
			msg.Payload, _ = json.Marshal(map[string]string{"message": exception.Message})
			send(msg)
		}
		switch end {
		case EndDrop:
			// NOTE: aborting the handler closes the connection without the
			// final chunk: the client sees an unexpected EOF, as on a network drop.
			panic(http.ErrAbortHandler)
		case EndHold:
			<-ctx.Done()
		}
	})
}

// StreamException is an exception message in an event stream.
type StreamException struct {
	Type    string // e.g. SessionStreamingException
	Message string
}

func eventMessage(eventType string, payload []byte) eventstream.Message {
	var msg eventstream.Message
	msg.Headers.Set(eventstream.MessageTypeHeader, eventstream.StringValue(eventstream.EventMessageType))
	msg.Headers.Set(eventstream.EventTypeHeader, eventstream.StringValue(eventType))
	msg.Headers.Set(eventstream.ContentTypeHeader, eventstream.StringValue("application/json"))
	msg.Payload = payload
	return msg
}

// Events returns a closed channel holding evs, for EventStream.
func Events(evs ...StreamEvent) <-chan StreamEvent {
	ch := make(chan StreamEvent, len(evs))
	for _, e := range evs {
		ch <- e
	}
	close(ch)
	return ch
}

// Recorder keeps the JSON inputs of the calls a Handler saw.
type Recorder struct {
	mu     sync.Mutex
	inputs []map[string]any
}

// Wrap returns h (nil: forward) recording each call's input first.
func (rec *Recorder) Wrap(h Handler) Handler {
	return func(r *Request) Reply {
		rec.mu.Lock()
		rec.inputs = append(rec.inputs, r.Input())
		rec.mu.Unlock()
		if h == nil {
			return nil
		}
		return h(r)
	}
}

// Inputs returns the recorded inputs in call order.
func (rec *Recorder) Inputs() []map[string]any {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]map[string]any(nil), rec.inputs...)
}
