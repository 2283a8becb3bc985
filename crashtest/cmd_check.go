package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
)

var cmdCheck = &command{
	name:    "check",
	summary: "check a store against a file of acknowledgements (after a power cut)",
	usage: `check --dir D --acks FILE [--write=false]

Checks the store in D against FILE, the output of "crashtest writer"
saved on another machine while the writer ran (see README.md: pull the
power, boot, run check). It holds when:

  - the store verifies (checksums, chain, commit frames; a torn tail is
    allowed: it was never acknowledged);
  - the records are a gap-free prefix 1..N (a batch is all or nothing);
  - every acknowledged record is there with the acknowledged digest, and so
    is every record a writer found when it opened the store;
  - every record is one a writer wrote, and each writer goroutine's records
    are its records 0, 1, 2, ... with none lost, repeated or reordered;
  - the store opens, takes one more record and then passes all of the above
    again (--write=false skips this step and leaves the store unchanged).

Exit status 0 when every check held, 1 otherwise.`,
}

func init() {
	cmdCheck.run = func(args []string, stdout, stderr io.Writer) error {
		var dir, ackFile string
		write := true
		fs := flagSet(cmdCheck, stderr)
		fs.StringVar(&dir, "dir", "", "store folder")
		fs.StringVar(&ackFile, "acks", "", "acknowledgement file (the writer's standard output)")
		fs.BoolVar(&write, "write", true, "reopen the store and write one record after checking")
		if err := parse(fs, args, stderr); err != nil {
			return err
		}
		if dir == "" || ackFile == "" {
			return usageErr(stderr, "check: --dir and --acks are required")
		}
		acks, err := readAckFile(ackFile)
		if err != nil {
			return err
		}
		res, err := checkStore(context.Background(), dir, acks, checkOptions{write: write, probeRun: rand.Uint64() >> 1})
		if err != nil {
			return err
		}
		printViolations(stdout, dir, res)
		fmt.Fprintf(stdout, "crashtest check: %d records, %d acknowledgements (highest seq %d), %d opens, torn tail %v, violations %d\n",
			res.records, res.acked, acks.top, len(acks.opens), res.torn, len(res.violations))
		if res.probe != nil {
			fmt.Fprintf(stdout, "crashtest check: the store took record %d after recovery\n", res.probe.Seq)
		}
		if len(res.violations) > 0 {
			return errViolations
		}
		return nil
	}
}
