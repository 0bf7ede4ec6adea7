// Command tune runs and inspects tune studies from the shell: it tunes any
// program that prints its metrics (tune run study.yaml) and lists, shows
// and summarises the studies of a storage.
//
//	tune run study.yaml           run (or resume) the study the file describes
//	tune studies [--storage URL]  list the studies
//	tune trials NAME [--format table|csv|json]
//	tune best NAME                the best trial
//	tune worker --study NAME      join a study from another terminal or machine
//	tune enqueue, delete, export, import, version, help config
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
