#!/usr/bin/python3
"""Generate distributions.json, the Optuna golden data for core's tests.

Run with the Python that has Optuna 3.1 installed, from any directory that
does not hold modules shadowing the standard library (such as logging.py):

    cd /tmp && /usr/bin/python3 /work/main/core/testdata/gen_distributions.py

It writes distributions.json beside this script. Floats are written as
Python's repr (or float.hex for the "floats" section) in strings, so that
NaN, infinities and every bit survive; a typed value ("external" values and
categorical choices) is one of {"int": 1}, {"float": "2.5"}, {"str": "a"},
{"bool": true} or {"none": true}.
"""

import json
import math
import os
import random
import warnings

import optuna
from optuna import distributions as od

warnings.simplefilter("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def typed(v):
    if v is None:
        return {"none": True}
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        return {"int": v}
    if isinstance(v, float):
        return {"float": repr(v)}
    if isinstance(v, str):
        return {"str": v}
    raise TypeError(type(v))


def frepr(x):
    return repr(float(x))


# Each distribution: (name, kind, args). The Go test builds the same
# distribution from args and compares it with Optuna's.
FLOATS = [
    ("float_unit", 0.0, 1.0, None, False),
    ("float_sym", -1.0, 1.0, None, False),
    ("float_negative", -5.5, -0.5, None, False),
    ("float_single", 0.0, 0.0, None, False),
    ("float_small", 1e-05, 2e-05, None, False),
    ("float_big", -1e16, 1e16, None, False),
    ("float_123456789", 123456789.0, 123456790.5, None, False),
    ("float_log", 1e-05, 1.0, None, True),
    ("float_log_single", 1e-05, 1e-05, None, True),
    ("float_log_big", 1.0, 1e16, None, True),
    ("float_log_tiny", 1e-30, 1e-20, None, True),
    ("float_step_0.1", 0.0, 1.0, 0.1, False),
    ("float_step_0.25", 0.0, 1.0, 0.25, False),
    ("float_step_0.25_sym", -1.0, 1.0, 0.25, False),
    ("float_step_0.2_offset", 0.1, 0.9, 0.2, False),
    ("float_step_1e-05", 1e-05, 1.00001, 1e-05, False),
    ("float_step_1.5_negative", -3.5, 2.5, 1.5, False),
    ("float_step_1e15", 0.0, 1e16, 1e15, False),
    ("float_step_single", 5.0, 5.0, 0.5, False),
    ("float_step_integral", 0.0, 123456789.0, 1.0, False),
    ("float_step_0.1_shifted", 0.3, 0.7, 0.1, False),
]

INTS = [
    ("int_plain", 0, 10, 1, False),
    ("int_sym", -5, 5, 1, False),
    ("int_step_2", 0, 10, 2, False),
    ("int_step_3_negative", -7, 8, 3, False),
    ("int_step_25", 0, 100, 25, False),
    ("int_single", 3, 3, 1, False),
    ("int_single_step", 2, 2, 5, False),
    ("int_big", -1000000000, 1000000000, 1, False),
    ("int_log", 1, 1024, 1, True),
    ("int_log_single", 1, 1, 1, True),
    ("int_log_big", 10, 123456789, 1, True),
]

CATEGORICALS = [
    ("cat_mixed", ["a", 1, 2.5, None, True]),
    ("cat_ints", [1, 2, 3]),
    ("cat_floats", [1.0, 0.1, 2.5]),
    ("cat_single", ["x"]),
    ("cat_bools", [True, False]),
    ("cat_zeroish", [0, 1.5, "0", False]),
    ("cat_float_reprs", [1e-05, 1e16, 123456789.0, -0.0, 0.0001]),
    ("cat_negative_ints", [-1, 0, 12345678901]),
    ("cat_strings", ["a<b&c>", "\u00e9", "\u65e5\u672c", "line\nbreak\ttab", "\U0001F600",
                     "\"quoted\"", "back\\slash", "", "del\x7f", "ctl\x01\x1f", "\u2028"]),
    ("cat_none_first", [None, "None", "null"]),
]


def float_externals(low, high, step, log):
    vals = [low, high, (low + high) / 2, low - 1.0, high + 1.0, math.nan, math.inf, -math.inf,
            0.0, -0.0, 1e-300, -1.0]
    if step is not None:
        vals += [low + step, low + step / 3, high - step]
    if float(low).is_integer() and abs(low) < 1e15:
        vals.append(int(low))
    vals += [7, True, "0.5", None, [0.5]]
    return vals


def float_internals(low, high, step, log):
    vals = [low, high, (low + high) / 2, math.nextafter(low, -math.inf),
            math.nextafter(high, math.inf), low - 1.0, high + 1.0, math.nan, math.inf, -math.inf]
    if step is not None:
        vals += [low + step, low + step / 3, low + step * (1 + 1e-10), low + step * (1 + 1e-7),
                 low + 2 * step]
    return vals


def int_externals(low, high, step, log):
    return [low, high, (low + high) // 2, low + step, low + 1, low - 1, high + 1, 0, -1,
            float(low), float(low) + 0.5, math.nan, math.inf, -math.inf, 2.5, True, False,
            "3", None]


def int_internals(low, high, step, log):
    return [float(low), float(high), float(low + step), float(low + 1), float(low) + 0.5,
            float(low - 1), float(high + 1), float((low + high) // 2), math.nan, math.inf]


def cat_externals(choices):
    return list(choices) + [1, 1.0, 0, 0.0, True, False, None, "b", 2, 2.0, 2.5, math.nan,
                            "a", "x", -0.0]


def cat_internals(choices):
    n = len(choices)
    return [0.0, 1.0, float(n - 1), float(n), -1.0, 0.5, -0.5, n - 0.5, math.nan, math.inf]


def to_internal(d, v):
    try:
        x = d.to_internal_repr(v)
    except (ValueError, TypeError) as e:
        return {"external": typed_or_list(v), "ok": False, "error": str(e)}
    return {"external": typed_or_list(v), "ok": True, "internal": frepr(x)}


def typed_or_list(v):
    if isinstance(v, list):
        return {"list": [typed(x) for x in v]}
    return typed(v)


def internal_case(d, x):
    out = {"internal": frepr(x)}
    try:
        c = bool(d._contains(x))
    except (ValueError, OverflowError) as e:
        # int(nan) and int(inf) raise in CategoricalDistribution._contains.
        out["contains"] = None
        out["error"] = str(e)
        return out
    out["contains"] = c
    if c:
        out["external"] = typed(d.to_external_repr(x))
    return out


def dist_case(name, kind, args, d, externals, internals):
    seen = set()
    ext_cases = []
    for v in externals:
        key = (type(v).__name__, repr(v))
        if key in seen:
            continue
        seen.add(key)
        ext_cases.append(to_internal(d, v))
    int_cases = []
    seen = set()
    for x in internals:
        if repr(float(x)) in seen:
            continue
        seen.add(repr(float(x)))
        int_cases.append(internal_case(d, x))
    return {
        "name": name,
        "kind": kind,
        "args": args,
        "json": od.distribution_to_json(d),
        "single": bool(d.single()),
        "to_internal": ext_cases,
        "internals": int_cases,
    }


def distributions():
    out = []
    for name, low, high, step, log in FLOATS:
        d = od.FloatDistribution(low, high, log=log, step=step)
        # tune rejects a step that does not divide the range; Optuna would
        # move high, so make sure none of these did.
        assert d.high == high, name
        args = {"low": frepr(low), "high": frepr(high),
                "step": None if step is None else frepr(step), "log": log}
        out.append(dist_case(name, "float", args, d, float_externals(low, high, step, log),
                             float_internals(low, high, step, log)))
    for name, low, high, step, log in INTS:
        d = od.IntDistribution(low, high, log=log, step=step)
        assert d.high == high, name
        args = {"low": low, "high": high, "step": step, "log": log}
        out.append(dist_case(name, "int", args, d, int_externals(low, high, step, log),
                             int_internals(low, high, step, log)))
    for name, choices in CATEGORICALS:
        d = od.CategoricalDistribution(choices)
        args = {"choices": [typed(c) for c in choices]}
        out.append(dist_case(name, "categorical", args, d, cat_externals(choices),
                             cat_internals(choices)))
    return out


# Distribution JSON that is not what distribution_to_json of a 3.x
# distribution writes: Optuna 2 classes, Optuna's abbreviated form, missing
# attributes, and errors.
PARSE = [
    ("uniform", {"name": "UniformDistribution", "attributes": {"low": 0.0, "high": 1.0}}),
    ("uniform_ints", {"name": "UniformDistribution", "attributes": {"low": -1, "high": 2}}),
    ("uniform_single", {"name": "UniformDistribution", "attributes": {"low": 2.5, "high": 2.5}}),
    ("uniform_inverted", {"name": "UniformDistribution", "attributes": {"low": 1.0, "high": 0.0}}),
    ("log_uniform", {"name": "LogUniformDistribution", "attributes": {"low": 1e-05, "high": 1.0}}),
    ("log_uniform_big", {"name": "LogUniformDistribution", "attributes": {"low": 1, "high": 1e16}}),
    ("log_uniform_zero", {"name": "LogUniformDistribution", "attributes": {"low": 0.0, "high": 1.0}}),
    ("discrete_uniform", {"name": "DiscreteUniformDistribution",
                          "attributes": {"low": 0.0, "high": 1.0, "q": 0.1}}),
    ("discrete_uniform_quarter", {"name": "DiscreteUniformDistribution",
                                  "attributes": {"low": -1.0, "high": 1.0, "q": 0.25}}),
    ("discrete_uniform_not_dividing", {"name": "DiscreteUniformDistribution",
                                       "attributes": {"low": 0.0, "high": 1.0, "q": 0.3}}),
    ("discrete_uniform_negative_q", {"name": "DiscreteUniformDistribution",
                                     "attributes": {"low": 0.0, "high": 1.0, "q": -0.5}}),
    ("int_uniform", {"name": "IntUniformDistribution",
                     "attributes": {"low": 0, "high": 10, "step": 1}}),
    ("int_uniform_step", {"name": "IntUniformDistribution",
                          "attributes": {"low": 0, "high": 10, "step": 2}}),
    ("int_uniform_no_step", {"name": "IntUniformDistribution", "attributes": {"low": 1, "high": 5}}),
    ("int_uniform_not_dividing", {"name": "IntUniformDistribution",
                                  "attributes": {"low": 0, "high": 10, "step": 3}}),
    ("int_log_uniform", {"name": "IntLogUniformDistribution",
                         "attributes": {"low": 1, "high": 100, "step": 1}}),
    ("int_log_uniform_no_step", {"name": "IntLogUniformDistribution",
                                 "attributes": {"low": 1, "high": 1024}}),
    ("int_log_uniform_step_2", {"name": "IntLogUniformDistribution",
                                "attributes": {"low": 1, "high": 100, "step": 2}}),
    ("int_log_uniform_zero", {"name": "IntLogUniformDistribution",
                              "attributes": {"low": 0, "high": 100, "step": 1}}),
    ("float_int_bounds", {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1}}),
    ("float_null_step", {"name": "FloatDistribution",
                         "attributes": {"low": 0.5, "high": 1.0, "step": None, "log": True}}),
    ("float_log_and_step", {"name": "FloatDistribution",
                            "attributes": {"low": 1.0, "high": 2.0, "step": 0.5, "log": True}}),
    ("float_not_dividing", {"name": "FloatDistribution",
                            "attributes": {"low": 0.0, "high": 1.0, "step": 0.3, "log": False}}),
    ("int_default_step", {"name": "IntDistribution", "attributes": {"low": 0, "high": 10}}),
    ("int_log_and_step", {"name": "IntDistribution",
                          "attributes": {"low": 1, "high": 9, "step": 2, "log": True}}),
    ("int_log_step_1", {"name": "IntDistribution",
                        "attributes": {"low": 1, "high": 9, "step": 1, "log": True}}),
    ("int_zero_step", {"name": "IntDistribution",
                       "attributes": {"low": 0, "high": 10, "step": 0, "log": False}}),
    ("int_not_dividing", {"name": "IntDistribution",
                          "attributes": {"low": 0, "high": 10, "step": 3, "log": False}}),
    ("categorical_empty", {"name": "CategoricalDistribution", "attributes": {"choices": []}}),
    ("unknown_name", {"name": "NormalDistribution", "attributes": {"low": 0.0, "high": 1.0}}),
    ("abbrev_float_log", {"type": "float", "low": 0.001, "high": 1, "log": True}),
    ("abbrev_float_step", {"type": "float", "low": 0, "high": 1, "step": 0.5}),
    ("abbrev_float", {"type": "float", "low": -2.5, "high": 2.5}),
    ("abbrev_int", {"type": "int", "low": 1, "high": 9}),
    ("abbrev_int_step", {"type": "int", "low": 1, "high": 9, "step": 2}),
    ("abbrev_int_log", {"type": "int", "low": 1, "high": 8, "log": True}),
    ("abbrev_int_log_step", {"type": "int", "low": 1, "high": 9, "step": 2, "log": True}),
    ("abbrev_categorical", {"type": "categorical", "choices": ["a", 1, 2.5, None, True]}),
    ("abbrev_unknown", {"type": "normal", "low": 0, "high": 1}),
]


def parse_cases():
    out = []
    for name, obj in PARSE:
        s = json.dumps(obj)
        case = {"name": name, "input": s}
        try:
            d = od.json_to_distribution(s)
            d = od._convert_old_distribution_to_new_distribution(d, suppress_warning=True)
            case["ok"] = True
            case["json"] = od.distribution_to_json(d)
        except (ValueError, TypeError, KeyError) as e:
            case["ok"] = False
            case["error"] = "%s: %s" % (type(e).__name__, e)
        out.append(case)
    return out


F = od.FloatDistribution
I = od.IntDistribution
C = od.CategoricalDistribution

COMPAT = [
    ("float_same", F(0, 1), F(0, 1)),
    ("float_bounds_change", F(0, 1), F(-5, 10)),
    ("float_step_added", F(0, 1), F(0, 1, step=0.25)),
    ("float_step_change", F(0, 1, step=0.5), F(0, 1, step=0.25)),
    ("float_log_added", F(0.1, 1), F(0.1, 1, log=True)),
    ("float_log_removed", F(0.1, 1, log=True), F(0.1, 1)),
    ("float_log_bounds_change", F(0.1, 1, log=True), F(1e-05, 10, log=True)),
    ("int_same", I(0, 10), I(0, 10)),
    ("int_step_change", I(0, 10), I(0, 10, step=2)),
    ("int_bounds_change", I(0, 10), I(-3, 3)),
    ("int_log_added", I(1, 10), I(1, 10, log=True)),
    ("int_log_removed", I(1, 10, log=True), I(1, 10)),
    ("float_to_int", F(0, 10), I(0, 10)),
    ("int_to_float", I(0, 10), F(0, 10)),
    ("float_to_categorical", F(0, 1), C([0.0, 1.0])),
    ("categorical_to_int", C([1, 2]), I(1, 2)),
    ("categorical_same", C(["a", 1, 2.5, None, True]), C(["a", 1, 2.5, None, True])),
    ("categorical_reordered", C(["a", "b"]), C(["b", "a"])),
    ("categorical_added", C(["a", "b"]), C(["a", "b", "c"])),
    ("categorical_removed", C(["a", "b"]), C(["a"])),
    ("categorical_changed", C(["a", "b"]), C(["a", "c"])),
    ("categorical_int_vs_float", C([1, 2]), C([1.0, 2.0])),
    ("categorical_bool_vs_int", C([True, False]), C([1, 0])),
    ("categorical_none", C([None]), C([None])),
    ("categorical_none_vs_string", C([None]), C(["None"])),
]


def compat_cases():
    out = []
    for name, old, new in COMPAT:
        try:
            od.check_distribution_compatibility(old, new)
            ok = True
        except ValueError:
            ok = False
        out.append({"name": name, "old": od.distribution_to_json(old),
                    "new": od.distribution_to_json(new), "ok": ok})
    return out


def float_cases():
    rng = random.Random(20240611)
    vals = [0.0, -0.0, 1.0, -1.0, 0.1, 0.2 + 0.1, 1 / 3, 2.5, 100.0, 1e-4, 1e-5, 1e15, 1e16, 1e17,
            1e22, 1e100, 1e-100, 1e308, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
            123456789.0, 12345678901234567890.0, 9007199254740993.0, 0.00012345, 0.000012345,
            1234567890123456.7, 9999999999999998.0, 99999999999999.99]
    for b in [1e-4, 1e-5, 1e15, 1e16, 1e-30, 1e30]:
        x = b
        for _ in range(3):
            x = math.nextafter(x, math.inf)
            vals.append(x)
        x = b
        for _ in range(3):
            x = math.nextafter(x, -math.inf)
            vals.append(x)
    for _ in range(250):
        x = 10 ** rng.uniform(-30, 30)
        if rng.random() < 0.3:
            x = float(round(x, rng.randrange(0, 8)))
        if rng.random() < 0.5:
            x = -x
        vals.append(x)
    for _ in range(40):
        vals.append(float(rng.randrange(-10 ** rng.randrange(1, 20), 10 ** rng.randrange(1, 20))))
    for _ in range(20):
        vals.append(rng.randrange(-100000, 100000) / 10 ** rng.randrange(0, 6))
    out, seen = [], set()
    for x in vals:
        h = x.hex()
        if h in seen:
            continue
        seen.add(h)
        out.append({"hex": h, "repr": repr(x)})
    return out


def main():
    data = {
        "optuna_version": optuna.__version__,
        "distributions": distributions(),
        "parse": parse_cases(),
        "compatibility": compat_cases(),
        "floats": float_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "distributions.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
