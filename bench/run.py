"""The benchmark driver: runs every scenario of issue 7 against one sandbox, the provider
and its peers under identical sandbox settings in the same run, then prints one table and
writes it (markdown) with a PNG chart to bench/results/.

Started by bench/run.sh (`make bench`), which builds the binaries and the venvs first.
Times are wall-clock medians; API calls come from the sandbox request log."""

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = HERE / "peers"
SOURCE = "tfsm/sagemaker"
REGION = "us-east-1"
MODEL_DATA = "s3://bench-models/bge/model.tar.gz"
CREATE_S = 5  # sandbox create time for the deploy scenario (issue 7)
# SDK defaults for both SageMaker SDK peers: telemetry off (it would GET a real AWS URL).
SDK_CONFIG = PEERS / "sagemaker-config.yaml"
# Any request a peer makes to somewhere other than the loopback sandbox goes to this proxy,
# where nothing listens, and fails at once: the bench never reaches real AWS, even if an SDK
# adds a call the sandbox does not see.
DEAD_PROXY = "http://127.0.0.1:9"


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- sandbox control


class Sandbox:
    """The sandbox binary, started once for the whole run, and its control API."""

    def __init__(self, binary, venv, durations):
        args = [str(binary), "--port", "0", "--venv", str(venv), "--seed-object", MODEL_DATA]
        for flag, value in durations.items():
            args += [f"--{flag}", value]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, start_new_session=True)
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            raise SystemExit(f"sandbox did not start (got {self.url!r})")
        self.durations = self.call("GET", "durations")

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/_sandbox/{path}", data=data, method=method,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            return json.loads(resp.read() or b"null")

    def reset(self):
        self.call("POST", "reset")

    def set_durations(self, **ms):
        return self.call("PUT", "durations", ms)

    def log(self):
        return self.call("GET", "log")

    def clear_log(self):
        self.call("DELETE", "log")

    def inventory(self):
        return self.call("GET", "inventory")

    def endpoints(self):
        return self.call("GET", "endpoints")

    def cpu(self):
        """CPU seconds used so far by the sandbox and moto (its child)."""
        return sum(proc_cpu(pid) for pid in [self.proc.pid, *descendants(self.proc.pid)])

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def descendants(root):
    """Every process below `root`, from the parent pids in /proc."""
    children = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(p.name))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    """utime + stime of one process in seconds (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def calls_by_op(entries):
    out = {}
    for e in entries:
        key = f"{e['service']}:{e['operation']}"
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


# ---------------------------------------------------------------- terraform


class Terraform:
    """A working directory driven with the real CLI through dev_overrides."""

    def __init__(self, work, plugin_dir, sandbox, name):
        self.dir = work / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        rc = work / "terraform.rc"
        rc.write_text(f'provider_installation {{\n  dev_overrides {{\n    "{SOURCE}" = '
                      f'"{plugin_dir}"\n  }}\n  direct {{}}\n}}\n')
        self.env = dict(os.environ, TF_CLI_CONFIG_FILE=str(rc), TF_IN_AUTOMATION="1",
                        TF_INPUT="0", CHECKPOINT_DISABLE="1", NO_COLOR="1",
                        AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                        AWS_EC2_METADATA_DISABLED="true", HOME=str(work))
        self.env.pop("TF_LOG", None)
        self.sandbox = sandbox

    def write(self, prefix, count):
        url = self.sandbox.url
        endpoints = "".join(f'    {s} = "{url}"\n' for s in
                            ["sagemaker", "iam", "sns", "sts", "s3",
                             "applicationautoscaling", "cloudwatch"])
        resources = "".join(f'''
resource "sagemaker_custom_endpoint" "e{i:03d}" {{
  model_id       = "bgeinf2"
  endpoint_name  = "{prefix}-{i:03d}"
  instance_type  = "ml.inf2.xlarge"
  model_data_url = "{MODEL_DATA}"
  container = {{
    repository_name = "huggingface-pytorch-inference-neuronx"
    tag             = "1.13.1-transformers4.34.1-neuronx-py310-sdk2.15.0-ubuntu20.04"
  }}
}}
''' for i in range(count))
        (self.dir / "main.tf").write_text(
            f'terraform {{\n  required_providers {{\n    sagemaker = {{ source = "{SOURCE}" }}\n'
            f'  }}\n}}\n\nprovider "sagemaker" {{\n  region     = "{REGION}"\n'
            f'  access_key = "test"\n  secret_key = "test"\n  endpoints {{\n{endpoints}  }}\n}}\n'
            + resources)

    def run(self, *args, rss=False):
        """Runs terraform; returns (wall seconds, end epoch, peak plugin RSS in KiB or None)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.Popen(["terraform", *args], cwd=self.dir, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        watcher = RssWatcher(proc.pid) if rss else None
        out, _ = proc.communicate()
        wall, end = time.perf_counter() - start, time.time()
        peak = watcher.stop() if watcher else None
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU of terraform and of the plugin (terraform's child, waited for by terraform).
        self.last_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        self.last_plugin_cpu = watcher.plugin_cpu if watcher else None
        self.last_code = proc.returncode
        if proc.returncode not in (0, 2) or (proc.returncode == 2 and args[0] != "plan"):
            raise SystemExit(f"terraform {' '.join(args)} failed:\n{out[-4000:]}")
        return wall, end, peak

    def apply(self, parallelism=10, rss=False):
        return self.run("apply", "-auto-approve", "-input=false", "-no-color",
                        f"-parallelism={parallelism}", rss=rss)

    def plan(self, rss=False):
        return self.run("plan", "-input=false", "-no-color", "-detailed-exitcode", rss=rss)

    def destroy(self, parallelism=10):
        return self.run("destroy", "-auto-approve", "-input=false", "-no-color",
                        f"-parallelism={parallelism}")

    def state_targets(self):
        out = subprocess.run(["terraform", "show", "-json"], cwd=self.dir, env=self.env,
                             capture_output=True, text=True, check=True).stdout
        res = json.loads(out)["values"]["root_module"]["resources"]
        return [{"endpoint": r["values"]["endpoint_name"],
                 "endpoint_arn": r["values"]["endpoint_arn"],
                 "model_arn": r["values"]["model_arn"],
                 "config_arn": r["values"]["endpoint_config_arn"],
                 "role": r["values"]["execution_role_arn"].rsplit("/", 1)[-1]} for r in res]


class RssWatcher:
    """Polls /proc every 5 ms for terraform-provider-sagemaker processes under `root` and
    keeps the largest VmHWM (the kernel's own peak-RSS mark, so a peak between two polls
    is not missed as long as the process is seen once after it). Also keeps the plugin's
    CPU time as last seen (up to 5 ms short of the final figure)."""

    def __init__(self, root):
        self.root, self.peak, self.done = root, 0, False
        self.cpu_by_pid = {}
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    @property
    def plugin_cpu(self):
        return sum(self.cpu_by_pid.values())

    def loop(self):
        while not self.done:
            for pid in descendants(self.root):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                # The kernel truncates the command name to 15 characters.
                if not status.startswith("Name:\tterraform-provi"):
                    continue
                m = re.search(r"VmHWM:\s+(\d+) kB", status)
                if m:
                    self.peak = max(self.peak, int(m.group(1)))
                cpu = proc_cpu(pid)
                if cpu:
                    self.cpu_by_pid[pid] = cpu
            time.sleep(0.005)

    def stop(self):
        self.done = True
        self.thread.join()
        return self.peak


# ---------------------------------------------------------------- peers


def run_peer(python, script, *args, sandbox):
    env = dict(os.environ, AWS_ENDPOINT_URL=sandbox.url, AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION=REGION,
               AWS_EC2_METADATA_DISABLED="true", SAGEMAKER_SUPPRESS_V2_WARNING="1",
               SAGEMAKER_USER_CONFIG_OVERRIDE=str(SDK_CONFIG),
               HTTP_PROXY=DEAD_PROXY, HTTPS_PROXY=DEAD_PROXY, NO_PROXY="127.0.0.1,localhost",
               BENCH_MODEL_DATA=MODEL_DATA, PYTHONPATH=str(PEERS))
    for k in ("http_proxy", "https_proxy", "no_proxy", "ALL_PROXY", "all_proxy"):
        env.pop(k, None)
    start = time.perf_counter()
    proc = subprocess.run([str(python), str(PEERS / script), *map(str, args)], env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{script} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return wall


# ---------------------------------------------------------------- scenarios


def startup(provider, reps):
    """Exec → handshake line, as Terraform starts the plugin (AutoMTLS with a P-521 client
    certificate, protocol 6)."""
    work = Path(os.environ["BENCH_WORK"])
    key, crt = work / "client.key", work / "client.crt"
    if not crt.exists():
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-521", "-nodes", "-keyout", str(key), "-out",
                        str(crt), "-days", "30", "-subj", "/O=HashiCorp/CN=localhost"],
                       check=True, capture_output=True)
    env = dict(os.environ,
               TF_PLUGIN_MAGIC_COOKIE="d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
               PLUGIN_PROTOCOL_VERSIONS="5,6", PLUGIN_CLIENT_CERT=crt.read_text())
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        proc = subprocess.Popen([str(provider)], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        line = proc.stdout.readline()
        times.append(time.perf_counter() - start)
        proc.kill()
        proc.wait()
        if not line.startswith("1|6|"):
            raise SystemExit(f"unexpected handshake line {line!r}")
    return {"handshake_ms": [t * 1000 for t in times]}


# IAM SimulatePrincipalPolicy, which the SDK v3 calls to check the execution role before
# CreateModel, is not implemented by moto (it answers 500, which the SDK does not survive). The
# sandbox answers it as AWS does for a caller without iam:SimulatePrincipalPolicy; the SDK then
# logs that it cannot verify the role and goes on (the trust check that follows, GetRole, is
# served by moto as usual). The call is still made, logged and counted.
SIMULATE_DENIED = {"service": "iam", "operation": "SimulatePrincipalPolicy",
                   "action": {"type": "error", "code": "AccessDenied", "status": 403,
                              "message": "User is not authorized to perform: "
                                         "iam:SimulatePrincipalPolicy"}}


def deploy(sb, tf_factory, pythons, reps):
    """Deploy 10 endpoints: ours at -parallelism=10, boto3 + waiter, the SDK v2 loop and the
    SDK v3 loop; then our destroy of the 10. The sandbox is reset before each so every tool
    starts equal."""
    res = {"ours": [], "sdk": [], "sdk3": [], "boto3": [], "destroy": []}
    for rep in range(reps["ours"]):
        sb.reset()
        tf = tf_factory("deploy10")
        tf.write("ours", 10)
        wall, _, _ = tf.apply(parallelism=10)
        entries = sb.log()
        res["ours"].append({"wall": wall, "calls": len(entries), "ops": calls_by_op(entries)})
        log(f"deploy ours #{rep + 1}: {wall:.2f} s, {len(entries)} calls")
        sb.clear_log()
        wall, _, _ = tf.destroy(parallelism=10)
        entries, inv = sb.log(), sb.inventory()
        res["destroy"].append({"wall": wall, "calls": len(entries), "ops": calls_by_op(entries),
                               "empty": inv["empty"]})
        log(f"destroy ours #{rep + 1}: {wall:.2f} s, {len(entries)} calls, "
            f"inventory empty: {inv['empty']}")
    for peer, script in [("boto3", "boto3_deploy.py"), ("sdk", "sdk_deploy.py"),
                         ("sdk3", "sdk3_deploy.py")]:
        for rep in range(reps[peer]):
            sb.reset()
            if peer == "sdk3":
                sb.call("POST", "faults", SIMULATE_DENIED)
            wall = run_peer(pythons[peer], script, peer, 10, sandbox=sb)
            entries = sb.log()
            inv = sb.endpoints()
            in_service = sum(1 for e in inv if e["status"] == "InService")
            res[peer].append({"wall": wall, "calls": len(entries), "ops": calls_by_op(entries),
                              "in_service": in_service})
            log(f"deploy {peer} #{rep + 1}: {wall:.2f} s, {len(entries)} calls, "
                f"{in_service} endpoints InService")
    sb.reset()
    return res


def refresh(sb, tf_factory, python, reps):
    """Refresh 100 endpoints: `terraform plan` against boto3 doing the same reads with 10
    threads; plus the plugin's peak RSS during plan of 100 and of 1 endpoint(s)."""
    sb.reset()
    # Setup only (not measured): build the endpoints quickly.
    sb.set_durations(endpoint_create_ms=100, endpoint_delete_ms=100)
    res = {"ours": [], "boto3": [], "rss_kib": {}}
    big, one = tf_factory("refresh100"), tf_factory("refresh1")
    big.write("refresh", 100)
    one.write("single", 1)
    big.apply(parallelism=10)
    one.apply()
    sb.set_durations(**sb.durations)  # back to the run's settings for the measurement
    targets = big.state_targets()
    (big.dir / "targets.json").write_text(json.dumps(targets))
    for rep in range(reps):
        sb.clear_log()
        wall, _, _ = big.plan()
        entries = sb.log()
        if big.last_code != 0:
            log("warning: the refresh plan is not empty (exit code 2)")
        res["ours"].append({"wall": wall, "calls": len(entries), "ops": calls_by_op(entries)})
        sb.clear_log()
        wall_b = run_peer(python, "boto3_refresh.py", big.dir / "targets.json", sandbox=sb)
        entries = sb.log()
        res["boto3"].append({"wall": wall_b, "calls": len(entries), "ops": calls_by_op(entries)})
        log(f"refresh #{rep + 1}: ours {wall:.2f} s, boto3 {wall_b:.2f} s")
    for name, tf in [("100", big), ("1", one)]:
        peaks = [tf.plan(rss=True)[2] for _ in range(3)]
        res["rss_kib"][name] = peaks
        log(f"plugin peak RSS, plan of {name}: {peaks} KiB")
    sb.set_durations(endpoint_create_ms=100, endpoint_delete_ms=100)
    big.destroy()
    one.destroy()
    res["empty_after"] = sb.inventory()["empty"]
    sb.reset()
    return res


def scale(sb, tf_factory, reps):
    """`terraform plan` with 1,000 endpoints in state against the same with 100, and the
    plugin's peak RSS during the plan of 1,000. Both states are built quickly (sandbox create
    time 100 ms, apply at -parallelism=50; the build is timed but not the measure) into one
    sandbox, so both plans run against the same sandbox contents (1,100 endpoints). The plans
    alternate, 100 then 1,000, `reps` times, under the run's sandbox settings, at Terraform's
    default -parallelism=10 as a user runs plan. Peak RSS (and the plugin's CPU time) comes
    from three more plans of each with the VmHWM poller on (apart, so the poller's CPU does not
    weigh on the timed plans).
    The sandbox is reset at the end instead of destroying 1,100 endpoints."""
    sb.reset()
    res = {"plan100": [], "plan1000": [], "rss_kib": {}}
    sb.set_durations(endpoint_create_ms=100, endpoint_delete_ms=100)
    small, big = tf_factory("scale100"), tf_factory("scale1000")
    small.write("small", 100)
    big.write("scale", 1000)
    start = time.perf_counter()
    big.apply(parallelism=50)
    built_big = time.perf_counter()
    small.apply(parallelism=50)
    res["build_s"] = {"1000": built_big - start, "100": time.perf_counter() - built_big}
    res["build_calls"] = len(sb.log())
    log(f"scale: built 1,000 endpoints in {res['build_s']['1000']:.1f} s and 100 in "
        f"{res['build_s']['100']:.1f} s ({res['build_calls']} calls, not measured)")
    sb.set_durations(**sb.durations)  # back to the run's settings for the measurement
    for rep in range(reps):
        for name, tf in (("100", small), ("1000", big)):
            sb.clear_log()
            sb_cpu = sb.cpu()
            wall, _, _ = tf.plan()
            sb_cpu = sb.cpu() - sb_cpu
            entries = sb.log()
            if tf.last_code != 0:
                log(f"warning: the scale plan of {name} is not empty (exit code 2)")
            times = [e["time"] for e in entries]
            res[f"plan{name}"].append({
                "wall": wall, "calls": len(entries), "ops": calls_by_op(entries),
                "empty": tf.last_code == 0,
                # Where the time goes: CPU of terraform + plugin and of sandbox + moto, the
                # span from the first to the last request, and the time the sandbox spent
                # serving (whole ms per request), locally and forwarded to moto.
                "cpu_terraform_plugin_s": tf.last_cpu, "cpu_sandbox_moto_s": sb_cpu,
                "request_span_s": max(times) - min(times) if times else 0,
                "served_ms": {"local": sum(e["duration_ms"] for e in entries
                                           if not e["forwarded"]),
                              "moto": sum(e["duration_ms"] for e in entries if e["forwarded"])}})
            log(f"scale plan of {name} #{rep + 1}: {wall:.2f} s, {len(entries)} calls, CPU "
                f"terraform+plugin {tf.last_cpu:.1f} s, sandbox+moto {sb_cpu:.1f} s")
    res["rss_cpu"] = {}
    for name, tf in (("100", small), ("1000", big)):
        peaks, cpu = [], []
        for _ in range(3):
            peaks.append(tf.plan(rss=True)[2])
            cpu.append({"plugin_s": tf.last_plugin_cpu, "terraform_plugin_s": tf.last_cpu})
        res["rss_kib"][name], res["rss_cpu"][name] = peaks, cpu
        log(f"plugin peak RSS, plan of {name}: {peaks} KiB; CPU {cpu}")
    sb.reset()
    return res


def notice(sb, tf_factory, reps):
    """Time from the sandbox marking the endpoint InService (its own clock, from
    GET /_sandbox/endpoints) to `terraform apply` returning, and the DescribeEndpoint calls
    the wait made."""
    res = {}
    for secs, n in [(5, reps), (60, 1)]:
        rows = []
        for _ in range(n):
            sb.reset()
            sb.set_durations(endpoint_create_ms=secs * 1000)
            tf = tf_factory(f"notice{secs}")
            tf.write("notice", 1)
            _, end, _ = tf.apply()
            times = {e["name"]: e for e in sb.endpoints()}
            ep = times["notice-000"]
            describes = sum(1 for e in sb.log() if e["operation"] == "DescribeEndpoint")
            rows.append({"latency": end - ep["status_since"], "describes": describes,
                         "status": ep["status"]})
            log(f"notice {secs} s: {rows[-1]}")
            sb.set_durations(endpoint_delete_ms=100)
            tf.destroy()
        res[str(secs)] = rows
    sb.reset()
    return res


def wait_sim(cargo_target):
    """The 10-minute wait, simulated: the provider's real endpoint wait under a paused
    Tokio clock (tests/sim/wait_sim.rs)."""
    env = dict(os.environ)
    if cargo_target:
        env["CARGO_TARGET_DIR"] = cargo_target
    proc = subprocess.run(["cargo", "test", "--quiet", "--test", "sim", "wait_sim::", "--",
                           "--nocapture", "--test-threads=1"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"wait_sim failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    out = {}
    for m in re.finditer(r"BENCH wait_sim transition_s=(\d+) describe_calls=(\d+) "
                         r"notice_latency_s=([\d.]+)", proc.stdout):
        out[m.group(1)] = {"describes": int(m.group(2)), "latency": float(m.group(3))}
    return out


# ---------------------------------------------------------------- main


def machine():
    mem_kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    return {"cores": os.cpu_count(), "memory_gib": round(mem_kib / 1024 / 1024, 1),
            "cpu": cpu.group(1).strip() if cpu else platform.processor(),
            "kernel": platform.release(), "load_start": os.getloadavg()}


def versions(python, python_v3):
    tf = json.loads(subprocess.run(["terraform", "version", "-json"], capture_output=True,
                                   text=True).stdout)["terraform_version"]
    peers = subprocess.run([str(python), "-c",
                            "import boto3, sagemaker; print(boto3.__version__, "
                            "sagemaker.__version__)"], capture_output=True, text=True,
                           env=dict(os.environ, SAGEMAKER_SUPPRESS_V2_WARNING="1",
                                    SAGEMAKER_USER_CONFIG_OVERRIDE=str(SDK_CONFIG)))
    b, s = peers.stdout.split()[-2:]
    out = {"terraform": tf, "boto3": b, "sagemaker": s}
    if Path(python_v3).exists():
        # From the distribution metadata: importing sagemaker.serve needs a region.
        v3 = subprocess.run([str(python_v3), "-c",
                             "from importlib.metadata import version as v; "
                             "print(v('sagemaker'), v('sagemaker-serve'), v('sagemaker-core'), "
                             "v('boto3'))"], capture_output=True, text=True, check=True)
        s3, serve, core, b3 = v3.stdout.split()
        out.update({"sagemaker_v3": s3, "sagemaker_serve": serve, "sagemaker_core": core,
                    "boto3_v3": b3})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--provider", required=True, help="the stripped release binary")
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--sandbox-venv", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cargo-target", default="")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of the quick scenarios")
    ap.add_argument("--sdk-reps", type=int, default=1, help="repetitions of each SDK loop")
    ap.add_argument("--sdk3-python", default=str(HERE / ".venv-v3" / "bin" / "python"),
                    help="the Python of the SageMaker SDK v3 venv (bench/venv-v3.sh)")
    ap.add_argument("--only", default="", help="comma list of scenarios (debugging)")
    ap.add_argument("--skip", default="",
                    help="comma list of scenarios to leave out; unlike --only, the results "
                         "are still written (the report says what was left out)")
    args = ap.parse_args()
    work = Path(args.work).resolve()
    os.environ["BENCH_WORK"] = str(work)
    plugin_dir = work / "plugins"
    plugin_dir.mkdir(parents=True, exist_ok=True)
    plugin = plugin_dir / "terraform-provider-sagemaker"
    if Path(args.provider).resolve() != plugin.resolve():
        shutil.copy2(args.provider, plugin)
    only = set(filter(None, args.only.split(",")))
    skip = set(filter(None, args.skip.split(",")))
    known = {"startup", "deploy", "refresh", "scale", "notice", "wait_sim"}
    if (only | skip) - known:
        raise SystemExit(f"unknown scenario(s) {sorted((only | skip) - known)}; "
                         f"known: {sorted(known)}")
    want = lambda s: (not only or s in only) and s not in skip  # noqa: E731
    python = Path(sys.executable)
    python_v3 = Path(args.sdk3_python)

    commit = os.environ.get("BENCH_PROVIDER_COMMIT") or subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
        text=True).stdout.strip()
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "provider_commit": commit,
               "machine": machine(), "versions": versions(python, python_v3),
               "binary_bytes": plugin.stat().st_size, "skipped": sorted(skip),
               "scenario_s": {}}
    log(f"machine {results['machine']}, versions {results['versions']}")

    def timed(name, fn):
        start = time.perf_counter()
        results[name] = fn()
        results["scenario_s"][name] = time.perf_counter() - start
        log(f"scenario {name} took {results['scenario_s'][name]:.0f} s")

    if want("startup"):
        timed("startup", lambda: startup(plugin, 20))
        log(f"handshake median {statistics.median(results['startup']['handshake_ms']):.2f} ms")
    sb = Sandbox(args.sandbox, args.sandbox_venv,
                 {"create-duration": f"{CREATE_S}s", "update-duration": f"{CREATE_S}s",
                  "delete-duration": "1s", "iam-propagation-delay": "0s"})
    results["sandbox_durations"] = sb.durations
    tf_factory = lambda name: Terraform(work, plugin_dir, sb, name)  # noqa: E731
    try:
        if want("deploy"):
            if not python_v3.exists():
                raise SystemExit(f"{python_v3} is missing: run bench/venv-v3.sh")
            timed("deploy", lambda: deploy(
                sb, tf_factory, {"boto3": python, "sdk": python, "sdk3": python_v3},
                {"ours": args.reps, "boto3": args.reps, "sdk": args.sdk_reps,
                 "sdk3": args.sdk_reps}))
        if want("refresh"):
            timed("refresh", lambda: refresh(sb, tf_factory, python, args.reps))
        if want("scale"):
            timed("scale", lambda: scale(sb, tf_factory, args.reps))
        if want("notice"):
            timed("notice", lambda: notice(sb, tf_factory, args.reps))
    finally:
        sb.stop()
    (work / "last.json").write_text(json.dumps(results, indent=1))  # kept if what follows fails
    if want("wait_sim"):
        try:
            timed("wait_sim", lambda: wait_sim(args.cargo_target))
        except SystemExit as e:
            log(f"the simulated 10-minute wait could not run: {e}")
            results["wait_sim_error"] = str(e)[-2000:]
    results["machine"]["load_end"] = os.getloadavg()
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    (work / "last.json").write_text(json.dumps(results, indent=1))
    table = report.render(results)
    print(table)
    if not only:
        (out_dir / "latest.json").write_text(json.dumps(results, indent=1) + "\n")
        (out_dir / "latest.md").write_text(table + "\n")
        report.chart(results, out_dir / "latest.png")
        log(f"wrote {out_dir}/latest.md, latest.json and latest.png")


if __name__ == "__main__":
    main()
