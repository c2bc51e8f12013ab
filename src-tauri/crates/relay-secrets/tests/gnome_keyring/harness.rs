//! The parent side: starts the daemons, runs each scenario in a child process and checks what
//! it left behind (see the binary's docs in `main.rs`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::daemons::{self, GnomeKeyring, PrivateBus, SECRETS_NAME};
use crate::{fixture, leaks, scenarios};

/// Set in a child: the scenario to run.
const SCENARIO_ENV: &str = "RELAY_SECRETS_TEST_SCENARIO";
/// Set in a child: text the "keyring unavailable" reason must contain.
pub const EXPECT_REASON_ENV: &str = "RELAY_SECRETS_TEST_EXPECT_REASON";
/// A child that takes longer than this is killed and fails the run (it should take well under a
/// second; this only turns a hang into a failure).
const CHILD_LIMIT: Duration = Duration::from_secs(120);

/// A group of scenarios sharing daemons; fails with what went wrong.
type Group = fn(&Sandbox) -> Result<(), String>;

const GROUPS: [(&str, Group); 4] = [
    ("round_trip", round_trip),
    ("locked", locked),
    ("no_secret_service", no_secret_service),
    ("no_bus", no_bus),
];

pub fn main() -> ExitCode {
    if let Ok(scenario) = std::env::var(SCENARIO_ENV) {
        scenarios::run(&scenario);
        return ExitCode::SUCCESS;
    }
    let args = Arguments::parse();
    let selected: Vec<_> = GROUPS
        .iter()
        .filter(|(name, _)| args.selects(&format!("gnome_keyring::{name}")))
        .collect();
    if args.list {
        for (name, _) in &selected {
            println!("gnome_keyring::{name}: test");
        }
        return ExitCode::SUCCESS;
    }
    if selected.is_empty() {
        return ExitCode::SUCCESS;
    }
    if let Err(problem) = daemons::require_tools() {
        eprintln!("gnome_keyring: FAILED: {problem}");
        return ExitCode::FAILURE;
    }
    println!("\nrunning {} keyring scenario groups", selected.len());
    let mut failed = 0;
    for (name, group) in selected {
        let outcome = tempfile::Builder::new()
            .prefix("relay-secrets-")
            .tempdir()
            .map_err(|e| format!("creating a temp dir: {e}"))
            .and_then(|dir| {
                let sandbox = Sandbox {
                    root: dir.path().to_path_buf(),
                    exe: std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?,
                };
                group(&sandbox)?;
                sandbox.assert_no_leaks()
            });
        match outcome {
            Ok(()) => println!("test gnome_keyring::{name} ... ok"),
            Err(problem) => {
                failed += 1;
                println!("test gnome_keyring::{name} ... FAILED\n{problem}\n");
            }
        }
    }
    if failed > 0 {
        println!("test result: FAILED. {failed} keyring scenario group(s) failed");
        return ExitCode::FAILURE;
    }
    println!("test result: ok.\n");
    ExitCode::SUCCESS
}

/// Set, then read back in a new process (gnome-keyring persisted it), then clear.
fn round_trip(sandbox: &Sandbox) -> Result<(), String> {
    let bus = PrivateBus::start(&sandbox.root.join("bus"))?;
    let _keyring = GnomeKeyring::start(&bus, &sandbox.root.join("keyring"))?;
    sandbox.child("write", Bus::Address(bus.address()), None)?;
    sandbox.child("read", Bus::Address(bus.address()), None)?;
    Ok(())
}

/// A stored credential behind a locked keyring reads as "locked", not "missing".
fn locked(sandbox: &Sandbox) -> Result<(), String> {
    let bus = PrivateBus::start(&sandbox.root.join("bus"))?;
    let _keyring = GnomeKeyring::start(&bus, &sandbox.root.join("keyring"))?;
    sandbox.child("write_certificate", Bus::Address(bus.address()), None)?;
    bus.lock_login_collection()?;
    sandbox.child("locked", Bus::Address(bus.address()), None)?;
    Ok(())
}

/// A session bus on which nobody provides the Secret Service.
fn no_secret_service(sandbox: &Sandbox) -> Result<(), String> {
    let bus = PrivateBus::start(&sandbox.root.join("bus"))?;
    if bus.has_owner(SECRETS_NAME)? {
        return Err(format!(
            "{SECRETS_NAME} is owned on a bus that should not have it"
        ));
    }
    sandbox.child(
        "unavailable",
        Bus::Address(bus.address()),
        Some(SECRETS_NAME),
    )
}

/// No session bus: an address where nothing listens, and no address at all.
fn no_bus(sandbox: &Sandbox) -> Result<(), String> {
    let nowhere = format!("unix:path={}", sandbox.root.join("no-bus-here").display());
    sandbox.child("unavailable", Bus::Address(&nowhere), None)?;
    sandbox.child("unavailable", Bus::Unset, None)?;
    Ok(())
}

enum Bus<'a> {
    Address(&'a str),
    Unset,
}

/// One scenario group's temporary directory, and the way to run children in it.
struct Sandbox {
    root: PathBuf,
    exe: PathBuf,
}

impl Sandbox {
    /// Runs `scenario` in a child process with its own empty XDG and app directories, fails if it
    /// fails, and checks it created no file.
    fn child(
        &self,
        scenario: &str,
        bus: Bus<'_>,
        expect_reason: Option<&str>,
    ) -> Result<(), String> {
        let home = self.fresh_dir(&format!("child-{scenario}"))?;
        let dirs = ChildDirs::create(&home)?;
        let stdout_path = home.join("stdout.txt");
        let stderr_path = home.join("stderr.txt");
        let mut command = Command::new(&self.exe);
        command
            .env(SCENARIO_ENV, scenario)
            .env_remove(EXPECT_REASON_ENV)
            // No display: a locked keyring must fail, not open a prompt.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env("XDG_CONFIG_HOME", &dirs.config)
            .env("XDG_DATA_HOME", &dirs.data)
            .env("XDG_CACHE_HOME", &dirs.cache)
            .env("XDG_STATE_HOME", &dirs.state)
            .env("XDG_RUNTIME_DIR", &dirs.runtime)
            .env("TMPDIR", &dirs.tmp)
            .env("PRESENCE_RELAY_CONFIG_DIR", &dirs.app_config)
            .env("PRESENCE_RELAY_LOG_DIR", &dirs.app_logs)
            .stdin(Stdio::null())
            .stdout(file(&stdout_path)?)
            .stderr(file(&stderr_path)?);
        match bus {
            Bus::Address(address) => command.env("DBUS_SESSION_BUS_ADDRESS", address),
            Bus::Unset => command.env_remove("DBUS_SESSION_BUS_ADDRESS"),
        };
        if let Some(reason) = expect_reason {
            command.env(EXPECT_REASON_ENV, reason);
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("starting the {scenario} child: {e}"))?;
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| format!("waiting: {e}"))? {
                break status;
            }
            if started.elapsed() > CHILD_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "scenario {scenario} hung for {CHILD_LIMIT:?}\n{}",
                    output_of(&stdout_path, &stderr_path)
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        if !status.success() {
            return Err(format!(
                "scenario {scenario} failed ({status})\n{}",
                output_of(&stdout_path, &stderr_path)
            ));
        }
        let written = dirs.files();
        if !written.is_empty() {
            return Err(format!(
                "scenario {scenario} wrote files, but credentials live only in the keyring: \
                 {written:?}"
            ));
        }
        Ok(())
    }

    fn fresh_dir(&self, name: &str) -> Result<PathBuf, String> {
        let dir = self.root.join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        Ok(dir)
    }

    /// Nothing under the group's directory (child directories and output, the bus, the keyring's
    /// own files) holds the secret, the password or the private key.
    fn assert_no_leaks(&self) -> Result<(), String> {
        let findings = leaks::scan(&self.root, &fixture::needles());
        if findings.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "secrets found outside the keyring:\n{}",
                findings.join("\n")
            ))
        }
    }
}

/// The directories a child may write, all empty to start with.
struct ChildDirs {
    config: PathBuf,
    data: PathBuf,
    cache: PathBuf,
    state: PathBuf,
    runtime: PathBuf,
    tmp: PathBuf,
    app_config: PathBuf,
    app_logs: PathBuf,
}

impl ChildDirs {
    fn create(home: &Path) -> Result<Self, String> {
        let dirs = Self {
            config: home.join("config"),
            data: home.join("data"),
            cache: home.join("cache"),
            state: home.join("state"),
            runtime: home.join("runtime"),
            tmp: home.join("tmp"),
            app_config: home.join("presence-relay-config"),
            app_logs: home.join("presence-relay-logs"),
        };
        for dir in dirs.all() {
            fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        }
        Ok(dirs)
    }

    fn all(&self) -> [&PathBuf; 8] {
        [
            &self.config,
            &self.data,
            &self.cache,
            &self.state,
            &self.runtime,
            &self.tmp,
            &self.app_config,
            &self.app_logs,
        ]
    }

    fn files(&self) -> Vec<PathBuf> {
        self.all()
            .iter()
            .flat_map(|dir| leaks::files_under(dir))
            .collect()
    }
}

fn file(path: &Path) -> Result<fs::File, String> {
    fs::File::create(path).map_err(|e| format!("creating {}: {e}", path.display()))
}

fn output_of(stdout: &Path, stderr: &Path) -> String {
    format!(
        "--- stdout\n{}\n--- stderr\n{}",
        fs::read_to_string(stdout).unwrap_or_default(),
        fs::read_to_string(stderr).unwrap_or_default()
    )
}

/// The few libtest arguments that matter here: `--list`, `--ignored`, and name filters.
struct Arguments {
    list: bool,
    ignored_only: bool,
    exact: bool,
    filters: Vec<String>,
    skips: Vec<String>,
}

impl Arguments {
    fn parse() -> Self {
        let mut parsed = Self {
            list: false,
            ignored_only: false,
            exact: false,
            filters: Vec::new(),
            skips: Vec::new(),
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--list" => parsed.list = true,
                "--ignored" => parsed.ignored_only = true,
                "--exact" => parsed.exact = true,
                "--skip" => parsed.skips.extend(args.next()),
                // Options whose value is the next argument.
                "--test-threads" | "--format" | "--color" | "--logfile" | "-Z"
                | "--shuffle-seed" => {
                    args.next();
                }
                flag if flag.starts_with('-') => {}
                filter => parsed.filters.push(filter.to_owned()),
            }
        }
        parsed
    }

    fn selects(&self, name: &str) -> bool {
        let matches = |pattern: &String| {
            if self.exact {
                name == pattern
            } else {
                name.contains(pattern.as_str())
            }
        };
        !self.ignored_only
            && (self.filters.is_empty() || self.filters.iter().any(matches))
            && !self.skips.iter().any(|skip| name.contains(skip.as_str()))
    }
}
