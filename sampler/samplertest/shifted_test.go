package samplertest

import "testing"

// TestShiftedValid: the shifted distributions of the "ranges-changed"
// history are valid ones.
func TestShiftedValid(t *testing.T) {
	for name, d := range Shifted() {
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
