package memory_test

import (
	"testing"

	"github.com/go-tune/tune/storage"
	"github.com/go-tune/tune/storage/memory"
	"github.com/go-tune/tune/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(*testing.T) storage.Storage { return memory.New() })
}
