package random_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler/random"
)

func ExampleDraw() {
	rng := rand.New(rand.NewPCG(1, 2))
	d := core.Int{Low: 0, High: 100, Step: 25}
	for range 10 {
		x, _ := random.Draw(d, rng)
		fmt.Print(d.ToExternal(x), " ")
	}
	fmt.Println()
	// Output: 75 75 75 75 25 0 50 50 0 0
}
