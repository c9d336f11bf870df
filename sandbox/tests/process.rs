//! The `sagemaker-sandbox` binary as a process: URL on the first stdout line, clean stops on
//! SIGINT/SIGTERM, no moto left behind after 20 start/stop cycles or a hard kill.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::require_venv;

const BIN: &str = env!("CARGO_BIN_EXE_sagemaker-sandbox");

fn spawn(args: &[&str]) -> (Child, String) {
    require_venv();
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sandbox binary");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read URL line");
    (child, line.trim().to_string())
}

fn stat_of(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()
}

/// (state, ppid) from /proc/<pid>/stat.
fn state_ppid(stat: &str) -> Option<(char, u32)> {
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut it = rest.split_whitespace();
    let state = it.next()?.chars().next()?;
    let ppid = it.next()?.parse().ok()?;
    Some((state, ppid))
}

fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

/// Live (non-zombie) moto processes whose parent is `parent`.
fn moto_children(parent: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Some((state, ppid)) = stat_of(pid).as_deref().and_then(state_ppid) else {
            continue;
        };
        if ppid == parent && state != 'Z' && cmdline(pid).contains("moto.server") {
            out.push(pid);
        }
    }
    out
}

/// Whether `pid` is still a live moto process.
fn moto_alive(pid: u32) -> bool {
    match stat_of(pid).as_deref().and_then(state_ppid) {
        Some((state, _)) => state != 'Z' && cmdline(pid).contains("moto.server"),
        None => false,
    }
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: plain kill(2) on a child we spawned.
    unsafe {
        libc::kill(child.id() as i32, sig);
    }
}

use libc::{SIGINT, SIGKILL, SIGTERM};

fn wait_gone(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while moto_alive(pid) {
        assert!(Instant::now() < deadline, "moto {pid} still alive");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn prints_url_first_and_serves_until_sigterm() {
    let (mut child, url) = spawn(&[
        "--port",
        "0",
        "--create-duration",
        "100ms",
        "--seed-object",
        "s3://quick/model.tar.gz",
    ]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);
    let ctl = sagemaker_sandbox::ControlClient::new(&url);
    assert_eq!(ctl.durations().await.unwrap().endpoint_create_ms, 100);
    assert_eq!(
        ctl.inventory().await.unwrap().s3.seeded,
        vec!["s3://quick/model.tar.gz"]
    );
    let motos = moto_children(child.id());
    assert_eq!(motos.len(), 1, "exactly one moto child");
    signal(&child, SIGTERM);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    wait_gone(motos[0]);
}

#[test]
fn twenty_start_stop_cycles_leave_no_moto() {
    let started = Instant::now();
    let mut motos = Vec::new();
    for i in 0..20 {
        let (mut child, url) = spawn(&["--port", "0"]);
        assert!(url.starts_with("http://127.0.0.1:"), "cycle {i}: {url}");
        let children = moto_children(child.id());
        assert_eq!(children.len(), 1, "cycle {i}");
        motos.extend(children);
        signal(&child, if i % 2 == 0 { SIGINT } else { SIGTERM });
        assert!(child.wait().unwrap().success(), "cycle {i}");
    }
    for pid in &motos {
        wait_gone(*pid);
    }
    eprintln!("20 cycles took {:?}", started.elapsed());
}

#[test]
fn hard_kill_takes_moto_down_too() {
    let (mut child, _url) = spawn(&["--port", "0"]);
    let motos = moto_children(child.id());
    assert_eq!(motos.len(), 1);
    signal(&child, SIGKILL);
    child.wait().unwrap();
    wait_gone(motos[0]);
}

#[test]
fn bad_arguments_exit_with_usage() {
    let out = Command::new(BIN).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: sagemaker-sandbox"));
    assert!(out.stdout.is_empty());
}
