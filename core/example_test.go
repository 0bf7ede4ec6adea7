package core_test

import (
	"fmt"

	"github.com/go-tune/tune/core"
)

func ExampleDistributionJSON() {
	lr := core.Float{Low: 1e-5, High: 0.1, Log: true}
	s := core.DistributionJSON(lr)
	fmt.Println(s)

	d, err := core.ParseDistribution([]byte(s))
	if err != nil {
		panic(err)
	}
	fmt.Println(d, core.Equal(d, lr))
	// Output:
	// {"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}
	// Float[1e-05, 0.1 log] true
}

func ExampleParseDistribution() {
	// An Optuna 2 distribution, as old databases hold it.
	d, err := core.ParseDistribution([]byte(`{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(d)
	fmt.Println(core.DistributionJSON(d))
	fmt.Println(d.Contains(0.75), d.Contains(0.8))
	// Output:
	// Float[0, 1 step 0.25]
	// {"name": "FloatDistribution", "attributes": {"step": 0.25, "low": 0.0, "high": 1.0, "log": false}}
	// true false
}

func ExampleCategorical() {
	act, err := core.NewCategorical("relu", "tanh", nil)
	if err != nil {
		panic(err)
	}
	i, _ := act.ToInternal("tanh")
	fmt.Println(i, act.ToExternal(i))
	fmt.Println(core.DistributionJSON(act))
	// Output:
	// 1 tanh
	// {"name": "CategoricalDistribution", "attributes": {"choices": ["relu", "tanh", null]}}
}
