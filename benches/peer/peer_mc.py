#!/usr/bin/env python3
"""soem's numpy peer: the Monte Carlo of `soem mc` written as a capable analyst would in numpy,
to measure the engine against the same computation (docs/PERFORMANCE.md).

What it computes, for one intervention with its own consequence items (no knowledge base; prices
in the price year), following SPEC §3: per actor key (total first, then each actor) and per draw
the present value over the result period and the break-even year (the first year whose
cumulative discounted net is >= 0 and stays >= 0 to the end of the horizon). The uncertain inputs
are the success rate and one factor per consequence item (`per = "item"`), drawn with numpy's own
samplers: fixed, uniform, triangular, PERT, beta, (truncated) normal and lognormal (mean and sd of
the variable). Output per key: mean, sd, the percentiles p1..p99 (numpy's linear rule), the
central interval, P(PV > 0), and the break-even years' p10/p50/p90 and share without break-even.

The money is affine in the draw: net[k, t] = s * sum_i f_i A[i, k, t] + sum_i f_i B[i, k, t] + C[k, t]
(A: money per unit of success rate, B: `during` money, C: costs net of saved costs), so blocks of
draws are two matrix products, a cumulative sum and a suffix minimum.

    pip install numpy
    python3 benches/peer/peer_mc.py benches/data/mc40.toml [--draws N] [--seed S] [--json]
"""

import argparse
import json
import math
import sys
import tomllib

import numpy as np

BLOCK = 50_000
LAST_YEAR = 20
PERCENTILES = (1, 5, 10, 25, 50, 75, 90, 95, 99)
SIGN = {"expenditure": -1.0, "revenue": 1.0, "transfer": -1.0}
DEFAULT_TAX = {"kommune": 0.264, "region": 0.0, "stat": 0.121}


def refuse(why):
    sys.exit(f"peer_mc.py: {why}")


def deterministic(sc):
    """A[i, k, t], B[i, k, t], C[k, t], the keys, years, discount factors and the result period."""
    st = sc.get("settings", {})
    if len(sc.get("intervention", [])) != 1:
        refuse("one [[intervention]] only")
    iv = sc["intervention"][0]
    actors = st.get("actors", ["kommune", "region", "stat"])
    tax = {a: DEFAULT_TAX.get(a, 0.0) for a in actors} | st.get("tax_on_transfers", {})
    S, N = iv["start_year"], iv.get("years", 1)
    P, r = st.get("price_year", S), st.get("discount_rate", 0.04)
    lag = max(1, math.ceil(iv.get("course_years", 1.0)))
    n = iv["participants"]
    items = iv.get("consequence", [])
    T = N + lag + LAST_YEAR + 100  # generous; trimmed to the horizon below
    K = len(actors) + 1
    A = np.zeros((len(items), K, T))
    B = np.zeros((len(items), K, T))
    C = np.zeros((K, T))
    for i, it in enumerate(items):
        vals = [float(v) for v in it["values"]][:LAST_YEAR]
        if it.get("fade", True) and len(vals) < LAST_YEAR:
            last, k0 = vals[-1], len(vals)
            vals += [last * (LAST_YEAR - k) / (LAST_YEAR - k0) for k in range(k0 + 1, LAST_YEAR + 1)]
        prices = np.array([float(it["prices"].get(a, 0.0)) for a in actors])
        sign = SIGN[it["kind"]]
        money = sign * prices  # per unit, per actor
        if it["kind"] == "transfer":
            money = money + prices.sum() * np.array([tax[a] for a in actors])
        for c in range(N):
            for k, v in enumerate(vals, start=1):
                t = c + lag + k - 1
                A[i, 1:, t] += n[c] * v * money
            for j, v in enumerate(it.get("during", [])[:lag]):
                B[i, 1:, c + j] += n[c] * v * money
    for name, sgn in (("costs", -1.0), ("saved_costs", 1.0)):
        for a, amounts in iv.get(name, {}).items():
            if a in ("note", "source"):
                continue
            for j, x in enumerate(amounts):
                C[1 + actors.index(a), j] += sgn * x
    A[:, 0], B[:, 0], C[0] = A[:, 1:].sum(1), B[:, 1:].sum(1), C[1:].sum(0)
    s0 = iv["success_rate"]
    flows = np.abs(s0 * A.sum(0) + B.sum(0) + C).sum(0)
    h = int(np.nonzero(flows)[0].max()) + 1 if flows.any() else 1
    years = np.arange(S, S + h)
    disc = (1.0 + r) ** -(years - P).astype(float)
    lo, hi = iv.get("result_period", [S, S + 5])
    in_period = ((years >= lo) & (years <= hi)).astype(float)
    keys = ["total"] + actors
    return iv, A[:, :, :h], B[:, :, :h], C[:, :h], keys, years, disc, in_period


def sample(rng, d, n):
    kind = d["dist"]
    if kind == "fixed":
        return np.full(n, float(d["value"]))
    if kind == "uniform":
        return rng.uniform(d["min"], d["max"], n)
    if kind == "triangular":
        return rng.triangular(d["min"], d["mode"], d["max"], n)
    if kind == "pert":
        lo, mode, hi = d["min"], d["mode"], d["max"]
        a = 1 + 4 * (mode - lo) / (hi - lo)
        b = 1 + 4 * (hi - mode) / (hi - lo)
        return lo + (hi - lo) * rng.beta(a, b, n)
    if kind == "beta":
        if "alpha" in d:
            return rng.beta(d["alpha"], d["beta"], n)
        m, sd = d["mean"], d["sd"]
        k = m * (1 - m) / (sd * sd) - 1
        return rng.beta(m * k, (1 - m) * k, n)
    if kind == "normal":
        lo, hi = d.get("min", -np.inf), d.get("max", np.inf)
        out = rng.normal(d["mean"], d["sd"], n)
        bad = (out < lo) | (out > hi)
        while bad.any():  # truncation by rejection
            out[bad] = rng.normal(d["mean"], d["sd"], bad.sum())
            bad = (out < lo) | (out > hi)
        return out
    if kind == "lognormal":
        m, sd = d["mean"], d["sd"]
        sigma2 = math.log(1 + (sd / m) ** 2)
        return rng.lognormal(math.log(m) - sigma2 / 2, math.sqrt(sigma2), n)
    refuse(f"distribution {kind!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--draws", type=int)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with open(args.scenario, "rb") as f:
        sc = tomllib.load(f)
    iv, A, B, C, keys, years, disc, in_period = deterministic(sc)
    mc = sc.get("monte_carlo", {})
    draws = args.draws or mc.get("draws", 10_000)
    rng = np.random.default_rng(args.seed if args.seed is not None else mc.get("seed", 1))
    interval = mc.get("interval", 0.9)
    u = iv.get("uncertainty", {})
    cons = u.get("consequences")
    if cons is not None and cons.get("per", "item") != "item":
        refuse('consequences per = "item" only')
    if set(u) - {"success_rate", "consequences", "note", "source"}:
        refuse("uncertainty on success_rate and consequences only")
    I, K, H = A.shape
    pv_row = disc * in_period  # PV weights
    A_pv = (A * pv_row).sum(2)  # (I, K)
    B_pv = (B * pv_row).sum(2)
    C_pv = (C * pv_row).sum(1)
    A_cum = np.cumsum(A * disc, 2).reshape(I, K * H)
    B_cum = np.cumsum(B * disc, 2).reshape(I, K * H)
    C_cum = np.cumsum(C * disc, 1).reshape(K * H)
    pv = np.empty((K, draws))
    be = np.empty((K, draws), dtype=np.int32)
    for at in range(0, draws, BLOCK):
        nb = min(BLOCK, draws - at)
        s = sample(rng, u["success_rate"], nb) if "success_rate" in u else np.full(nb, iv["success_rate"])
        s = np.clip(s, 0.0, 1.0)
        f = np.column_stack([sample(rng, cons, nb) for _ in range(I)]) if cons else np.ones((nb, I))
        pv[:, at:at + nb] = (s[:, None] * (f @ A_pv) + f @ B_pv + C_pv).T
        cum = (s[:, None] * (f @ A_cum) + f @ B_cum + C_cum).reshape(nb, K, H)
        ok = np.flip(np.minimum.accumulate(np.flip(cum, 2), 2), 2) >= 0
        first = ok.argmax(2)
        be[:, at:at + nb] = np.where(ok.any(2), first, -1).T
    tail = (1 - interval) / 2
    out = {"id": iv["id"], "draws": draws, "pv": {}, "break_even_year": {}}
    for k, key in enumerate(keys):
        x = pv[k]
        q = np.percentile(x, list(PERCENTILES) + [100 * tail, 100 * (1 - tail)])
        out["pv"][key] = {"mean": x.mean(), "sd": x.std(ddof=1), "interval": [q[-2], q[-1]],
                          "p_positive": float((x > 0).mean())}
        out["pv"][key] |= {f"p{p}": v for p, v in zip(PERCENTILES, q)}
        b = be[k]
        hit = years[b[b >= 0]]
        out["break_even_year"][key] = {
            "share_none": float((b < 0).mean()),
            **({f"p{p}": float(np.percentile(hit, p)) for p in (10, 50, 90)} if hit.size else {}),
        }
    if args.json:
        print(json.dumps(out, indent=1, default=float))
    else:
        for key in keys:
            p = out["pv"][key]
            print(f"{key:10s} mean {p['mean']:14.0f}  interval {p['interval'][0]:14.0f} {p['interval'][1]:14.0f}  P>0 {p['p_positive']:.3f}")


if __name__ == "__main__":
    main()
