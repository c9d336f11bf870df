"""Turns the driver's results into the one table (markdown) and the PNG chart."""

from statistics import median

MB = 1_000_000
DEPLOY_PEERS = (("sdk", "SDK v2 loop"), ("sdk3", "SDK v3 loop"), ("boto3", "boto3+waiter"))


def _med(rows, key):
    return median(r[key] for r in rows)


def _met(ok):
    return "yes" if ok else "**no**"


def summary(res):
    """The measured figures the table, the chart and the README quote."""
    s = {}
    if "startup" in res:
        s["handshake_ms"] = median(res["startup"]["handshake_ms"])
    s["binary_mb"] = res["binary_bytes"] / MB
    if "deploy" in res:
        d = res["deploy"]
        for k in ("ours", "sdk", "sdk3", "boto3", "destroy"):
            if d.get(k):
                s[f"deploy_{k}_s"] = _med(d[k], "wall")
                s[f"deploy_{k}_calls"] = _med(d[k], "calls") / 10
        s["destroy_empty"] = all(r["empty"] for r in d["destroy"])
    if "refresh" in res:
        r = res["refresh"]
        s["refresh_ours_s"] = _med(r["ours"], "wall")
        s["refresh_boto3_s"] = _med(r["boto3"], "wall")
        s["refresh_ours_calls"] = _med(r["ours"], "calls") / 100
        s["refresh_boto3_calls"] = _med(r["boto3"], "calls") / 100
        s["rss1_mb"] = median(r["rss_kib"]["1"]) * 1024 / MB
        s["rss100_mb"] = median(r["rss_kib"]["100"]) * 1024 / MB
    if "scale" in res:
        c = res["scale"]
        s["scale100_s"] = _med(c["plan100"], "wall")
        s["scale1000_s"] = _med(c["plan1000"], "wall")
        s["scale_ratio"] = s["scale1000_s"] / s["scale100_s"]
        s["scale100_calls"] = _med(c["plan100"], "calls") / 100
        s["scale1000_calls"] = _med(c["plan1000"], "calls") / 1000
        s["scale_empty"] = all(r["empty"] for r in c["plan100"] + c["plan1000"])
        s["rss1000_mb"] = median(c["rss_kib"]["1000"]) * 1024 / MB
        if "100" in c["rss_kib"]:
            s["scale_rss100_mb"] = median(c["rss_kib"]["100"]) * 1024 / MB
        s["scale_build_s"] = c["build_s"]["1000"] + c["build_s"]["100"]
    if "notice" in res:
        for secs, rows in res["notice"].items():
            s[f"notice{secs}_s"] = _med(rows, "latency")
            s[f"notice{secs}_describes"] = _med(rows, "describes")
    if "wait_sim" in res:
        s["sim600_describes"] = res["wait_sim"]["600"]["describes"]
        s["sim600_latency_s"] = res["wait_sim"]["600"]["latency"]
    return s


def rows(res):
    """(measure, ours, peers, ratio, target, met) for every figure measured."""
    s, out = summary(res), []
    if "handshake_ms" in s:
        out.append(("Exec → handshake (median of 20)", f"{s['handshake_ms']:.1f} ms", "", "",
                    "≤ 10 ms", _met(s["handshake_ms"] <= 10)))
    if "rss100_mb" in s:
        out.append(("Plugin peak RSS, `plan` of 1 endpoint", f"{s['rss1_mb']:.1f} MB", "", "",
                    "", ""))
        out.append(("Plugin peak RSS, `plan` of 100 endpoints", f"{s['rss100_mb']:.1f} MB", "",
                    "", "≤ 30 MB", _met(s["rss100_mb"] <= 30)))
    out.append(("Stripped release binary", f"{s['binary_mb']:.1f} MB", "", "", "≤ 40 MB",
                _met(s["binary_mb"] <= 40)))
    if "deploy_ours_s" in s:
        peers, ratios = [], []
        for k, label in DEPLOY_PEERS:
            if f"deploy_{k}_s" in s:
                peers.append(f"{label} {s[f'deploy_{k}_s']:.1f} s")
                ratios.append(f"{s['deploy_ours_s'] / s[f'deploy_{k}_s']:.2f}× {label}")
        # The target is against the SDK loop: each SDK measured (v2 and v3) must be beaten.
        sdk_ratios = [s["deploy_ours_s"] / s[f"deploy_{k}_s"] for k in ("sdk", "sdk3")
                      if f"deploy_{k}_s" in s]
        out.append(("Deploy 10 (create 5 s): wall", f"{s['deploy_ours_s']:.1f} s",
                    "; ".join(peers), "; ".join(ratios), "≤ 0.2× each SDK loop",
                    _met(bool(sdk_ratios) and max(sdk_ratios) <= 0.2)))
        out.append(("Deploy 10: API calls per endpoint", f"{s['deploy_ours_calls']:.1f}",
                    "; ".join(f"{label} {s[f'deploy_{k}_calls']:.1f}"
                              for k, label in DEPLOY_PEERS if f"deploy_{k}_calls" in s),
                    "", "", ""))
    if "refresh_ours_s" in s:
        ratio = s["refresh_ours_s"] / s["refresh_boto3_s"]
        out.append(("Refresh 100 (`terraform plan`): wall", f"{s['refresh_ours_s']:.2f} s",
                    f"boto3, 10 threads {s['refresh_boto3_s']:.2f} s", f"{ratio:.2f}×",
                    "≤ 1.3× boto3", _met(ratio <= 1.3)))
        out.append(("Refresh 100: API calls per endpoint", f"{s['refresh_ours_calls']:.2f}",
                    f"boto3 {s['refresh_boto3_calls']:.2f}", "", "≤ 4",
                    _met(s["refresh_ours_calls"] <= 4)))
    if "scale1000_s" in s:
        out.append(("Scale: `terraform plan`, 100 endpoints in state: wall",
                    f"{s['scale100_s']:.2f} s ({s['scale100_calls']:.2f} calls/endpoint)",
                    "", "", "", ""))
        out.append(("Scale: `terraform plan`, 1,000 endpoints in state: wall",
                    f"{s['scale1000_s']:.2f} s ({s['scale1000_calls']:.2f} calls/endpoint)",
                    "", f"{s['scale_ratio']:.2f}× the plan of 100", "≤ 12× the plan of 100",
                    _met(s["scale_ratio"] <= 12)))
        rss100 = (f" (100 in the same sandbox: {s['scale_rss100_mb']:.1f} MB)"
                  if "scale_rss100_mb" in s else "")
        out.append(("Plugin peak RSS, `plan` of 1,000 endpoints",
                    f"{s['rss1000_mb']:.1f} MB{rss100}", "", "", "≤ 40 MB",
                    _met(s["rss1000_mb"] <= 40)))
    if "notice5_s" in s:
        out.append(("Notice latency, 5 s transition", f"{s['notice5_s']:.2f} s "
                    f"({s['notice5_describes']:.0f} Describe)", "", "", "≤ 1 s",
                    _met(s["notice5_s"] <= 1)))
    if "notice60_s" in s:
        out.append(("Notice latency, 60 s transition", f"{s['notice60_s']:.2f} s "
                    f"({s['notice60_describes']:.0f} Describe)", "", "", "", ""))
    if "sim600_describes" in s:
        out.append(("Describe calls, 10-minute transition (simulated clock)",
                    f"{s['sim600_describes']} (noticed after {s['sim600_latency_s']:.1f} s)",
                    "", "", "≤ 60", _met(s["sim600_describes"] <= 60)))
    if "deploy_destroy_s" in s:
        out.append(("Destroy 10: wall / calls per endpoint",
                    f"{s['deploy_destroy_s']:.1f} s / {s['deploy_destroy_calls']:.1f}", "", "",
                    "inventory empty", _met(s["destroy_empty"])))
    return out


def scale_breakdown(res):
    """One sentence per plan size: where the wall time of the scale plans goes (medians)."""
    c = res.get("scale", {})
    if not c or "cpu_terraform_plugin_s" not in c["plan100"][0]:
        return []
    parts = []
    for n in ("100", "1000"):
        rows_ = c[f"plan{n}"]
        tfp = _med(rows_, "cpu_terraform_plugin_s")
        plugin = median(r["plugin_s"] for r in c["rss_cpu"][n]) if n in c.get("rss_cpu", {}) \
            else None
        split = (f"terraform {tfp - plugin:.1f} s + plugin {plugin:.1f} s" if plugin is not None
                 else f"terraform and plugin {tfp:.1f} s")
        parts.append(f"plan of {int(n):,}: wall {_med(rows_, 'wall'):.2f} s, requests over "
                     f"{_med(rows_, 'request_span_s'):.2f} s, CPU {split}, sandbox and moto "
                     f"{_med(rows_, 'cpu_sandbox_moto_s'):.1f} s")
    return ["", "Scale, where the time goes (medians; the plugin's share from the plans with the "
            "RSS poller): " + "; ".join(parts) + "."]


def render(res):
    m = res["machine"]
    v = res["versions"]
    d = res.get("sandbox_durations", {})
    v3 = (f", sagemaker {v['sagemaker_v3']} (v3: sagemaker-serve {v['sagemaker_serve']}, "
          f"sagemaker-core {v['sagemaker_core']})" if "sagemaker_v3" in v else "")
    head = [
        f"## Benchmark results, {res['date']}",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, "
        f"Linux {m['kernel']}; load average (1/5/15 min) at start "
        f"{'/'.join(f'{x:.2f}' for x in m['load_start'])}, at end "
        f"{'/'.join(f'{x:.2f}' for x in m.get('load_end', m['load_start']))} "
        "(the machine is shared; absolute times are noisy, ratios less so).",
        f"Provider built from commit {res.get('provider_commit', '?')} (stripped release "
        f"binary). Terraform {v['terraform']}, boto3 {v['boto3']}, sagemaker {v['sagemaker']}{v3}. "
        f"Sandbox: "
        f"endpoint create {d.get('endpoint_create_ms', '?')} ms, delete "
        f"{d.get('endpoint_delete_ms', '?')} ms, IAM propagation "
        f"{d.get('iam_propagation_ms', '?')} ms, for every tool. Wall times are medians.",
        "",
        "| Measure | Ours | Peers | Ratio (ours / peer) | Target | Met |",
        "|---|---|---|---|---|---|",
    ]
    body = [f"| {' | '.join(r)} |" for r in rows(res)]
    tail = scale_breakdown(res)
    took = res.get("scenario_s", {})
    if took:
        tail += ["", "Time per scenario (setup included): " + ", ".join(
            f"{k} {v / 60:.1f} min" if v >= 90 else f"{k} {v:.0f} s" for k, v in took.items())
            + "."]
    if res.get("skipped"):
        tail += ["", f"Left out of this run (`--skip`): {', '.join(res['skipped'])}."]
    return "\n".join(head + body + tail)


def chart(res, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = summary(res)
    fig, axes = plt.subplots(1, 4, figsize=(20, 4.8))
    colors = {"ours": "#2b7bba", "peer": "#b0b0b0"}

    def bars(ax, title, items, unit, ours=1):
        labels = [k for k, _ in items]
        vals = [v for _, v in items]
        b = ax.bar(labels, vals,
                   color=[colors["ours"]] * ours + [colors["peer"]] * (len(items) - ours))
        ax.bar_label(b, labels=[f"{x:.1f} {unit}" for x in vals])
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.margins(y=0.15)

    if "deploy_ours_s" in s:
        bars(axes[0], "Deploy 10 endpoints (create 5 s)",
             [("terraform\n-parallelism=10", s["deploy_ours_s"]),
              ("boto3 +\nwaiter", s.get("deploy_boto3_s", 0)),
              ("SDK v2\ndeploy()", s.get("deploy_sdk_s", 0)),
              ("SDK v3\nModelBuilder", s.get("deploy_sdk3_s", 0))], "s")
    if "refresh_ours_s" in s:
        bars(axes[1], "Refresh 100 endpoints",
             [("terraform plan", s["refresh_ours_s"]),
              ("boto3, 10 threads", s["refresh_boto3_s"])], "s")
    if "scale1000_s" in s:
        bars(axes[2], "terraform plan, endpoints in state",
             [("100", s["scale100_s"]), ("1,000", s["scale1000_s"]),
              ("12 × the plan\nof 100 (target)", s["scale100_s"] * 12)], "s", ours=2)
    targets = []
    if "handshake_ms" in s:
        targets.append(("handshake", s["handshake_ms"] / 10))
    if "rss100_mb" in s:
        targets.append(("RSS 100", s["rss100_mb"] / 30))
    targets.append(("binary", s["binary_mb"] / 40))
    if "deploy_sdk_s" in s:
        targets.append(("deploy/SDK v2", s["deploy_ours_s"] / s["deploy_sdk_s"] / 0.2))
    if "deploy_sdk3_s" in s:
        targets.append(("deploy/SDK v3", s["deploy_ours_s"] / s["deploy_sdk3_s"] / 0.2))
    if "refresh_ours_s" in s:
        targets.append(("refresh/boto3", s["refresh_ours_s"] / s["refresh_boto3_s"] / 1.3))
        targets.append(("refresh calls", s["refresh_ours_calls"] / 4))
    if "scale1000_s" in s:
        targets.append(("plan 1000/100", s["scale_ratio"] / 12))
        targets.append(("RSS 1000", s["rss1000_mb"] / 40))
    if "notice5_s" in s:
        targets.append(("notice 5 s", s["notice5_s"] / 1))
    if "sim600_describes" in s:
        targets.append(("10-min calls", s["sim600_describes"] / 60))
    ax = axes[3]
    vals = [v for _, v in targets]
    b = ax.barh([k for k, _ in targets], vals,
                color=["#3a9a4a" if v <= 1 else "#c8453c" for v in vals])
    ax.bar_label(b, labels=[f"{v:.2f}" for v in vals])
    ax.axvline(1.0, color="black", linewidth=1)
    ax.invert_yaxis()
    ax.set_title("Measure / target (≤ 1 meets it)")
    ax.margins(x=0.2)
    m = res["machine"]
    fig.suptitle(f"terraform-provider-sagemaker benchmarks, {res['date']}, {m['cores']} cores, "
                 f"{m['memory_gib']} GiB, load {m['load_start'][0]:.1f}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    # Re-renders a results file: report.py results.json OUT_DIR
    import json
    import sys
    from pathlib import Path

    results = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    (out / "latest.md").write_text(render(results) + "\n")
    chart(results, out / "latest.png")
