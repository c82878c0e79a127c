package auto

import (
	"context"
	"testing"
	"time"

	"ecsdeck/stack"
)

// GIVEN a consumer that stopped reading, WHEN the engine forwards an event
// after the operation's context ended (or the drain was told to stop),
// THEN the send gives up instead of blocking forever.
func TestSendNeverBlocksOnAConsumerThatStopped(t *testing.T) {
	unread := make(chan stack.Event)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan bool, 2)
	go func() { done <- send(ctx, unread, nil, stack.Event{Kind: stack.Summary}) }()
	stop := make(chan struct{})
	close(stop)
	go func() { done <- send(context.Background(), unread, stop, stack.Event{Kind: stack.Summary}) }()
	for range 2 {
		select {
		case sent := <-done:
			if sent {
				t.Fatal("send said it delivered to a channel nobody reads")
			}
		case <-time.After(sendGrace + 5*time.Second):
			t.Fatal("send blocked on a consumer that stopped reading")
		}
	}
	// A reader that still reads after the context ended gets the event
	// (the summary of a cancelled run).
	late := make(chan stack.Event)
	go func() { time.Sleep(100 * time.Millisecond); <-late }()
	if !send(ctx, late, nil, stack.Event{Kind: stack.Summary}) {
		t.Fatal("send dropped the event of a consumer still reading after cancel")
	}
	// A reader that reads gets the event.
	read := make(chan stack.Event, 1)
	if !send(context.Background(), read, nil, stack.Event{Kind: stack.Summary}) || (<-read).Kind != stack.Summary {
		t.Fatal("send did not deliver to a reader")
	}
	if send(context.Background(), nil, nil, stack.Event{}) {
		t.Fatal("send to no channel said it delivered")
	}
}
