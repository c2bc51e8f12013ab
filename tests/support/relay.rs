//! Running the real `presence-relay` binary as a script would: its config, logs and every XDG
//! directory in a throwaway sandbox, no display, a chosen session bus, and a time limit that turns
//! a hang into a failure. Every run's output is kept, so a test can search all of it at the end.

use std::cell::RefCell;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_presence-relay");

/// Longest a single command may run before the test fails (the commands take seconds).
pub const COMMAND_LIMIT: Duration = Duration::from_secs(180);

/// One finished run.
#[derive(Clone, Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Fails the test, showing the output, unless the run exited with `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{self}");
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|err| panic!("not JSON ({err}): {self}"))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "presence-relay {} exited {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }
}

/// Where a child may write, all under one temporary directory.
pub struct Relay {
    root: tempfile::TempDir,
    /// `None`: no session bus address at all.
    bus_address: Option<String>,
    env: Vec<(String, String)>,
    runs: RefCell<Vec<Run>>,
}

impl Relay {
    /// A sandbox whose children talk to the session bus at `bus_address` (or to none).
    pub fn new(bus_address: Option<&str>) -> Self {
        let root = tempfile::Builder::new()
            .prefix("presence-relay-cli-")
            .tempdir()
            .expect("temp dir");
        let relay = Self {
            root,
            bus_address: bus_address.map(str::to_owned),
            env: Vec::new(),
            runs: RefCell::default(),
        };
        for dir in relay.child_dirs() {
            fs::create_dir_all(&dir).expect("child directory");
        }
        fs::create_dir_all(relay.scratch()).expect("scratch directory");
        relay
    }

    /// Sets an environment variable for every later run.
    pub fn env(&mut self, key: &str, value: &str) {
        self.env.push((key.to_owned(), value.to_owned()));
    }

    pub fn config_dir(&self) -> PathBuf {
        self.root.path().join("config")
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir().join("config.json")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.root.path().join("logs")
    }

    /// The test's own files (inputs, captured output); never shown to a child as a place to write.
    pub fn scratch(&self) -> PathBuf {
        self.root.path().join("scratch")
    }

    fn xdg(&self, name: &str) -> PathBuf {
        self.root.path().join("xdg").join(name)
    }

    /// Every directory a child is told it may write: config, logs, XDG homes and temp.
    pub fn child_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = vec![self.config_dir(), self.log_dir()];
        dirs.extend(
            ["data", "config", "cache", "state", "runtime", "tmp"]
                .into_iter()
                .map(|name| self.xdg(name)),
        );
        dirs
    }

    /// Files a child created anywhere it may write, except its own log files.
    pub fn files_besides_logs(&self) -> Vec<PathBuf> {
        self.child_dirs()
            .into_iter()
            .filter(|dir| *dir != self.log_dir())
            .flat_map(|dir| files_under(&dir))
            .collect()
    }

    /// Every file under every directory a child may write, logs included.
    pub fn all_files(&self) -> Vec<PathBuf> {
        self.child_dirs()
            .into_iter()
            .flat_map(|dir| files_under(&dir))
            .collect()
    }

    /// Every run so far.
    pub fn runs(&self) -> Vec<Run> {
        self.runs.borrow().clone()
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, None, COMMAND_LIMIT)
    }

    /// Runs with `stdin` piped in (as `printf '%s' "$SECRET" | presence-relay …` does).
    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        self.run_with(args, Some(stdin), COMMAND_LIMIT)
    }

    pub fn run_with(&self, args: &[&str], stdin: Option<&[u8]>, limit: Duration) -> Run {
        let number = self.runs.borrow().len();
        let stdout_path = self.scratch().join(format!("run-{number}.stdout"));
        let stderr_path = self.scratch().join(format!("run-{number}.stderr"));
        let mut command = Command::new(BIN);
        command
            .args(args)
            .env("PRESENCE_RELAY_CONFIG_DIR", self.config_dir())
            .env("PRESENCE_RELAY_LOG_DIR", self.log_dir())
            .env("XDG_DATA_HOME", self.xdg("data"))
            .env("XDG_CONFIG_HOME", self.xdg("config"))
            .env("XDG_CACHE_HOME", self.xdg("cache"))
            .env("XDG_STATE_HOME", self.xdg("state"))
            .env("XDG_RUNTIME_DIR", self.xdg("runtime"))
            .env("TMPDIR", self.xdg("tmp"))
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("RUST_LOG")
            .env_remove("PRESENCE_RELAY_AUTHORITY_URL")
            .env_remove("PRESENCE_RELAY_GRAPH_URL")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(fs::File::create(&stdout_path).expect("stdout file"))
            .stderr(fs::File::create(&stderr_path).expect("stderr file"));
        match &self.bus_address {
            Some(address) => command.env("DBUS_SESSION_BUS_ADDRESS", address),
            None => command.env_remove("DBUS_SESSION_BUS_ADDRESS"),
        };
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("the binary starts");
        if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(bytes).expect("stdin written");
            // Dropping the pipe closes it: the child reads to the end.
        }
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("waiting for the binary") {
                break status;
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "presence-relay {} did not finish within {limit:?}\n--- stdout\n{}\n--- \
                     stderr\n{}",
                    args.join(" "),
                    fs::read_to_string(&stdout_path).unwrap_or_default(),
                    fs::read_to_string(&stderr_path).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let run = Run {
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            code: status.code(),
            stdout: fs::read_to_string(&stdout_path).expect("stdout"),
            stderr: fs::read_to_string(&stderr_path).expect("stderr"),
        };
        self.runs.borrow_mut().push(run.clone());
        run
    }
}

/// Every regular file under `dir`, recursively (none when it does not exist).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        let Ok(entries) = fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(path),
                Ok(kind) if kind.is_file() => files.push(path),
                _ => {}
            }
        }
    }
    files.sort();
    files
}
