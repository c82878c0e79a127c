// Package ssmsession is a client of Session Manager's data channel, the
// protocol AWS's session-manager-plugin speaks, so that ECS Exec shells
// and port forwarding need nothing installed.
//
// A session (from ecs ExecuteCommand or ssm StartSession) is a websocket
// URL and a token. The client opens the websocket, sends the token in an
// OpenDataChannel message, then exchanges binary messages (a fixed header
// with a sequence number, a SHA-256 digest of the payload, and the
// payload). Every stream message is acknowledged; the agent's are handed
// on in sequence order (early ones are kept, repeated ones acknowledged
// again and dropped) and ours are sent again until acknowledged. The agent
// starts with a handshake naming the session type.
//
// Shell drives interactive sessions; Forward serves port forwarding,
// several connections at once, multiplexed with smux as the plugin does
// with agents newer than 3.0.196.0.
//
// What it does not do, where the session-manager-plugin does: KMS
// encryption of the session (ErrKMSEncryption: the session fails with
// that error instead), port forwarding through agents of 3.0.196.0 or
// older (one connection at a time), reconnecting a dropped websocket with
// ResumeSession (a *DroppedError ends the session instead), and signing
// the websocket request with SigV4 (the token alone authenticates the
// channel; recent plugins also sign when they have credentials).
package ssmsession
