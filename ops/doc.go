// Package ops is ecsdeck's day-2 side of AWS: it reads a platform's
// services, tasks, deployments (ECS rolling and CodeDeploy blue/green),
// pipelines and logs, and carries out the actions an operator needs
// (release, rollback, scale, redeploy).
//
// It speaks aws-sdk-go-v2 through small interfaces that the SDK clients
// satisfy as they are, and hands out only its own types. Time is injected
// (Clock, poll intervals, Cadence), and the long-running reads (Watcher,
// Logs.Follow, Pipelines.Follow) are streams: start, read a channel, the
// channel closes when done, which suits a bubbletea Cmd as well as a
// headless command.
package ops
