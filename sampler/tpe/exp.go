package tpe

import "math"

// expNonPos returns e^x for x <= 0, to within 3 ulp (math.Exp is within
// 1), in about half of math.Exp's time: x = (256k + j) ln2/256 + r with
// |r| <= ln2/512, e^x = 2^k 2^(j/256) e^r, 2^(j/256) from a table and e^r
// from its degree-5 Taylor polynomial. log-sum-exp spends most of its time
// here.
func expNonPos(x float64) float64 {
	if x < -708 || x != x {
		if x != x {
			return x
		}
		return math.Exp(x) // subnormal results, and 0
	}
	n := math.Floor(x*(256/math.Ln2) + 0.5)
	r := (x - n*ln2Hi256) - n*ln2Lo256
	i := int(n)
	j, k := i&255, i>>8
	p := 1 + r*(1+r*(0.5+r*(1.0/6+r*(1.0/24+r*(1.0/120)))))
	return math.Float64frombits(uint64(1023+k)<<52) * exp2Table[j] * p
}

// ln2/256, split so that n*ln2Hi256 is exact for |n| < 2^21.
const (
	ln2Hi256 = 6.93147180369123816490e-01 / 256
	ln2Lo256 = 1.90821492927058770002e-10 / 256
)

// exp2Table[j] = 2^(j/256).
var exp2Table = func() (t [256]float64) {
	for j := range t {
		t[j] = math.Exp2(float64(j) / 256)
	}
	return t
}()
