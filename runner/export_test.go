package runner

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/storage/memory"
)

func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := memory.New()
	study, err := tune.CreateStudy(ctx, "round", tune.WithStorage(src), tune.WithSeed(3), tune.WithDirections(tune.Maximize))
	if err != nil {
		t.Fatal(err)
	}
	if err := study.SetUserAttr(ctx, "owner", "me"); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		tr, err := study.Ask(ctx)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := tr.Float("x", 0, 1, tune.Log())
		c, _ := tr.Categorical("c", "a", 2, nil)
		_ = tr.Report(0, x)
		_ = tr.Report(1, math.NaN())
		_ = tr.SetUserAttr("c", c)
		var e error
		switch i % 3 {
		case 1:
			e = tune.ErrPruned
		case 2:
			e = errors.New("boom")
		}
		if _, err := study.Tell(ctx, tr, []float64{x}, e); err != nil && i%3 == 0 {
			t.Fatal(err)
		}
	}
	if _, err := study.Enqueue(ctx, map[string]any{"x": 0.5}); err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	if err := Export(ctx, src, "round", &first); err != nil {
		t.Fatal(err)
	}
	dst := memory.New()
	n, err := Import(ctx, dst, bytes.NewReader(first.Bytes()), "")
	if err != nil || n != 7 {
		t.Fatalf("imported %d: %v", n, err)
	}
	var second bytes.Buffer
	if err := Export(ctx, dst, "round", &second); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("export, import, export differ:\n%s\n---\n%s", first.String(), second.String())
	}
	if !strings.Contains(first.String(), `"NaN"`) || !strings.Contains(first.String(), `"WAITING"`) {
		t.Errorf("the dump lacks NaN or the waiting trial:\n%s", first.String())
	}
	// Importing again into the same storage fails: the study exists.
	if _, err := Import(ctx, dst, bytes.NewReader(first.Bytes()), ""); err == nil {
		t.Error("imported over an existing study")
	}
	// A bad dump changes nothing.
	bad := strings.Replace(first.String(), `"COMPLETE"`, `"DONE"`, 1)
	if _, err := Import(ctx, dst, strings.NewReader(bad), "other"); err == nil {
		t.Error("imported an unknown state")
	}
	if _, err := dst.LoadStudy(ctx, "other"); err == nil {
		t.Error("a failed import left a study behind")
	}
}
