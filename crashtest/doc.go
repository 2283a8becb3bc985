// Command crashtest proves llog's crash guarantees: every record whose
// LogSync (or covering Flush) returned survives a crash with the same chain
// digest, the records present after a crash form a gap-free prefix of what
// was written (a batch is all or nothing), the store verifies, and it takes
// new writes.
//
// A SIGKILL leaves the page cache intact, so it can never catch a missing
// fsync; the guarantees are tested in four tiers:
//
//  1. Process kills (any Linux, no root): crashtest run re-runs its own
//     binary as a writer and SIGKILLs it, at random moments and at named
//     hook points inside commits, segment rotation and recovery.
//  2. Simulated power loss (in process, deterministic): the root package's
//     crashsim_test.go, on the in-memory filesystem's crash clones.
//  3. Real filesystem cuts (root, Linux): crashtest cut shuts a loop-device
//     ext4 filesystem down mid-write with FS_IOC_SHUTDOWN, without flushing
//     its journal, remounts it and checks.
//  4. I/O faults: the root package's fault_test.go and faultopen_test.go.
//
// On real hardware, crashtest writer streams its acknowledgements to
// another machine, the power is pulled, and crashtest check compares the
// store with them after the reboot; README.md walks through it.
//
// Usage:
//
//	crashtest writer --dir D [--sync] [--seed S] [--kill-at POINT --kill-after K]
//	crashtest run    --dir D [--kills N] [--seed S]
//	crashtest check  --dir D --acks FILE
//	crashtest cut    [--cuts N] [--seed S]
//	crashtest points
//
// Exit status: 0 when every check held, 1 when a check failed or the run
// could not be carried out, 2 for a usage error, 3 when this machine cannot
// run the requested tier (cut without root, loop devices or mkfs.ext4).
//
// Every randomized command prints its seed; giving it back with --seed
// replays the same scenarios.
package main
