//! Command-line arguments. `presence-relay` with no command starts the tray app (handled by the
//! shell); every subcommand here runs headless.

use std::path::PathBuf;

use clap::{ArgGroup, Parser, Subcommand};
use relay_core::config::Cloud;
use relay_core::graph_presence::{Activity, Availability, IsoDuration, SessionExpiration};

#[derive(Debug, Parser)]
#[command(
    name = "presence-relay",
    version,
    about = "Keeps Microsoft Teams presence true at reception desks and kiosks.",
    long_about = "Keeps Microsoft Teams presence true at reception desks and kiosks.\n\n\
        Without a command, starts the tray app. With a command, runs headless: no window and no \
        display needed, so it works over SSH and in deployment scripts.",
    after_help = "Exit codes: 0 success, 1 failure at run time, 2 invalid arguments or config.\n\
        Environment: PRESENCE_RELAY_CONFIG_DIR and PRESENCE_RELAY_LOG_DIR override where files \
        live; PRESENCE_RELAY_AUTHORITY_URL and PRESENCE_RELAY_GRAPH_URL replace the cloud's \
        sign-in and Graph hosts; RUST_LOG sets log levels (e.g. RUST_LOG=debug)."
)]
pub struct Cli {
    /// Print machine-readable JSON on stdout (for commands that support it).
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect, check and install the config file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Store, check or remove the app's credential (client secret or certificate) in the OS
    /// keyring. Nothing printed ever contains a secret.
    #[command(subcommand)]
    Credentials(CredentialsCommand),
    /// Check the connection to Microsoft Graph step by step, saying what to fix.
    #[command(subcommand)]
    Connection(ConnectionCommand),
    /// Read or write Teams presence by hand, for scripts and support.
    #[command(subcommand)]
    Presence(PresenceCommand),
    /// Run the simulated tenant (a local Microsoft Graph + sign-in emulator) until Ctrl+C, and
    /// print its URLs and demo credentials.
    Simulator(SimulatorArgs),
    /// Test rules against a scripted timeline of signals (docs/SIMULATE.md): replays it in
    /// virtual time through the engine against the simulated tenant and prints, per person over
    /// time, the intent and the rule behind it, the writes made and what Teams shows. The same
    /// input always prints the same output. Exits 2 listing every problem of a bad timeline or
    /// config, each with its place.
    Simulate(SimulateArgs),
    /// Look into a calendar (ICS file or URL) the way the rules see it.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Run the relay without the tray: the local signal sources, the rules and the engine,
    /// writing to the configured tenant (or the simulated one with --simulated, or when no
    /// connection is configured). Prints each user's state as it changes; edits of the config
    /// file apply live. Ctrl+C or SIGTERM releases what this machine holds, then exits 0.
    Run(RunArgs),
    /// Print the audit log (every Graph write with its time, user, deciding rule, result and
    /// request id), oldest first, filtered. `--format csv` or `--json` (one object per line)
    /// export it.
    Audit(AuditArgs),
    /// Show each local signal source's health, then live changes until interrupted (Ctrl+C).
    /// With --json: one object per line, {"at","source","signal","value"}.
    Signals,
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// List every event instance overlapping [--from, --to) with how it shows the owner.
    Inspect {
        /// A path to an .ics file, or an https:// or webcal:// URL.
        source: String,
        /// Start, RFC 3339 (`2026-03-02T00:00:00Z`) or a local date/time in --tz.
        #[arg(long)]
        from: String,
        /// End (exclusive), same forms as --from.
        #[arg(long)]
        to: String,
        /// Zone for floating and all-day times and local inputs (default: the system zone).
        #[arg(long)]
        tz: Option<String>,
        /// Also show event titles (they stay on this machine; off by default).
        #[arg(long)]
        titles: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Only this user (object ID).
    #[arg(long)]
    pub user: Option<String>,
    /// Only writes this rule decided (its name), or another decider as listed (`manual
    /// override`, `paused`, `default action`, ...).
    #[arg(long)]
    pub rule: Option<String>,
    /// Which results to list.
    #[arg(long, value_enum, default_value_t = AuditResult::All)]
    pub result: AuditResult,
    /// Only entries at or after this time (RFC 3339, e.g. 2026-03-02T08:00:00Z).
    #[arg(long)]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only the last N matching entries.
    #[arg(long)]
    pub last: Option<usize>,
    /// Output format (`--json` is the same as `--format json`).
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditResult {
    All,
    Ok,
    Failed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    Table,
    Csv,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Run without a tray or window (required: with no command the tray app starts instead).
    #[arg(long)]
    pub headless: bool,
    /// Write to the built-in simulated tenant even if a tenant is configured (nothing real is
    /// changed; the configured users are created there).
    #[arg(long)]
    pub simulated: bool,
}

#[derive(Debug, clap::Args)]
pub struct SimulatorArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// How many demo users to create.
    #[arg(long, default_value_t = 5)]
    pub users: usize,
    /// Fault injection, e.g. `rate=30,codes=429+500+502+503+504,drop=5,seed=7` (see
    /// docs/SIMULATOR.md); `none` turns it off.
    #[arg(long, default_value = "none")]
    pub faults: relay_sim::FaultSpec,
    /// Seed for the generated IDs and the demo secret.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("input").required(true).args(["timeline", "schema"])),
    after_help = "Example: presence-relay simulate --timeline docs/examples/timeline.json"
)]
pub struct SimulateArgs {
    /// The timeline (JSON, see docs/SIMULATE.md); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub timeline: Option<PathBuf>,
    /// The config to replay with. Default: the timeline's own `config`, else the config in use,
    /// else the starter set of `config example`. Its users are played by the timeline's people
    /// in order.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print the JSON Schema of timeline files instead (for editors).
    #[arg(long, conflicts_with_all = ["timeline", "config"])]
    pub schema: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print where the config file and logs live.
    Path,
    /// Print a complete, valid example config to start from (see docs/CONFIG.md).
    Example,
    /// Check a config file (default: the one in use). Exits 2 listing every problem.
    Validate {
        /// The file to check; `-` reads standard input.
        file: Option<PathBuf>,
    },
    /// Print the JSON Schema of the config file (for editors and deployment tooling).
    Schema,
    /// Check FILE and, if it is valid, make it the config in use (atomic replace).
    Import {
        /// The file to install; `-` reads standard input.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Store a client secret (read from standard input) or a certificate in the OS keyring, then
    /// record the connection (cloud, tenant, client ID, credential kind) in the config file.
    /// Exits 1 when the keyring cannot be used (nothing is written then), 2 for invalid input.
    Set(CredentialsSetArgs),
    /// Say whether the configured connection's credential is in the OS keyring (never prints
    /// it). Exits 0 only when it is.
    Status,
    /// Remove the configured connection's credentials from the OS keyring. The config keeps
    /// naming the connection.
    Clear,
}

#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("credential").required(true).args(["secret_stdin", "certificate"])),
    after_help = "Examples:\n  \
        printf '%s' \"$SECRET\" | presence-relay credentials set --tenant contoso.onmicrosoft.com \
        --client-id 11111111-2222-3333-4444-555555555555 --secret-stdin\n  \
        printf '%s' \"$PFX_PASSWORD\" | presence-relay credentials set --tenant … --client-id … \
        --certificate relay.pfx --password-stdin"
)]
pub struct CredentialsSetArgs {
    /// Directory (tenant) ID: a GUID or a verified domain such as contoso.onmicrosoft.com.
    #[arg(long, value_name = "TENANT")]
    pub tenant: String,
    /// Application (client) ID of the app registration (a GUID).
    #[arg(long, value_name = "GUID")]
    pub client_id: String,
    /// The Microsoft cloud of the tenant: global, us_gov_l4 or us_gov_l5.
    #[arg(long, default_value = "global", value_parser = cloud)]
    pub cloud: Cloud,
    /// Read the client secret's Value from standard input (pipe it in; it is refused from a
    /// terminal, where it would show as you type).
    #[arg(long)]
    pub secret_stdin: bool,
    /// A PFX / .p12 file, or a PEM file with the certificate and its RSA private key.
    #[arg(long, value_name = "FILE")]
    pub certificate: Option<PathBuf>,
    /// Read the certificate file's password from standard input.
    // `conflicts_with` as well: clap lets a `requires` go unmet while a conflicting argument
    // (here --secret-stdin, which excludes --certificate) is present.
    #[arg(long, requires = "certificate", conflicts_with = "secret_stdin")]
    pub password_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConnectionCommand {
    /// Check, in order: the config names a connection; its credential is readable from the OS
    /// keyring; a token is acquired; the token carries Presence.ReadWrite.All; each user can be
    /// read. Prints one line per step with the fix for each failure; exits 0 only if all pass.
    /// With --json: {"steps":[{"step","ok","detail","fix"}],"ok":bool}.
    Test(ConnectionTestArgs),
}

#[derive(Debug, clap::Args)]
pub struct ConnectionTestArgs {
    /// A user whose presence must be readable (object ID); repeat for more. Default: the users
    /// in the config file.
    #[arg(long = "user", value_name = "OBJECT_ID", value_parser = user_id)]
    pub users: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum PresenceCommand {
    /// Print each user's presence: availability, activity, status message and out-of-office.
    Get(PresenceGetArgs),
    /// Write presence through this app's own presence session (or, with --assertive, the user's
    /// preferred presence plus this app's session), and/or the status message. Every write is
    /// bounded by --expires. Note Graph's rule: an Available session not refreshed within 5
    /// minutes fades to Away; the app refreshes it, a one-off command does not.
    Set(PresenceSetArgs),
    /// Clear this app's presence session (already clear is fine); with --assertive also the
    /// preferred presence, with --message also the status message, with --all everything.
    Clear(PresenceClearArgs),
}

/// The users a presence command acts on.
#[derive(Debug, clap::Args)]
pub struct UserArgs {
    /// The user's object ID (a GUID from Entra; not a name or UPN). Repeat for more users; many
    /// users go out in $batch requests, a few at a time.
    #[arg(
        long = "user",
        value_name = "OBJECT_ID",
        required = true,
        value_parser = user_id
    )]
    pub users: Vec<String>,
}

/// How long a presence command keeps going.
#[derive(Debug, clap::Args)]
pub struct PatienceArgs {
    /// Calls that fail for reasons that pass (throttling, server errors, dropped connections)
    /// are tried again, waiting as Graph asks, for at most this long (ISO 8601 duration). Then
    /// what still fails is reported and the command exits 1.
    #[arg(long, value_name = "DURATION", default_value = "PT5M", value_parser = iso_duration)]
    pub timeout: IsoDuration,
}

#[derive(Debug, clap::Args)]
pub struct PresenceGetArgs {
    #[command(flatten)]
    pub users: UserArgs,
    #[command(flatten)]
    pub patience: PatienceArgs,
}

#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("change").required(true).multiple(true).args(["availability", "message"])),
    after_help = "Pairs without --assertive (setPresence): Available/Available, Busy/InACall, \
        Busy/InAConferenceCall, Away/Away, DoNotDisturb/Presenting.\n\
        Pairs with --assertive (setUserPreferredPresence): Available/Available, Busy/Busy, \
        DoNotDisturb/DoNotDisturb, BeRightBack/BeRightBack, Away/Away, Offline/OffWork.\n\
        Example: presence-relay presence set --user 3f2a… --availability Busy --activity InACall \
        --expires PT1H --message 'At the front desk'"
)]
pub struct PresenceSetArgs {
    #[command(flatten)]
    pub users: UserArgs,
    /// The availability to show; needs --activity. Any case.
    #[arg(long, requires = "activity")]
    pub availability: Option<Availability>,
    /// The activity to show; needs --availability. Any case.
    #[arg(long, requires = "availability")]
    pub activity: Option<Activity>,
    /// Write the user's preferred presence (wins over their own Teams clients) plus this app's
    /// session, instead of this app's session alone.
    #[arg(long, requires = "availability")]
    pub assertive: bool,
    /// How long the presence and the status message hold (ISO 8601, PT5M to PT4H).
    #[arg(long, value_name = "DURATION", default_value = "PT15M", value_parser = session_expiration)]
    pub expires: SessionExpiration,
    /// The status message to show; an empty text ("") clears it.
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    #[command(flatten)]
    pub patience: PatienceArgs,
}

#[derive(Debug, clap::Args)]
pub struct PresenceClearArgs {
    #[command(flatten)]
    pub users: UserArgs,
    /// Also clear the user's preferred presence (what `presence set --assertive` writes). Graph
    /// does not record who set it, so this clears one the user chose in Teams too.
    #[arg(long)]
    pub assertive: bool,
    /// Also clear the status message. Takes no text: `--message` and `--message ""` agree.
    #[arg(
        long,
        value_name = "\"\"",
        num_args = 0..=1,
        default_missing_value = "",
        value_parser = empty_message
    )]
    pub message: Option<String>,
    /// Clear everything: this app's session, the preferred presence and the status message.
    #[arg(long, conflicts_with_all = ["assertive", "message"])]
    pub all: bool,
    #[command(flatten)]
    pub patience: PatienceArgs,
}

/// `--cloud`: the clouds Graph offers presence in.
fn cloud(text: &str) -> Result<Cloud, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "global" => Ok(Cloud::Global),
        "us_gov_l4" => Ok(Cloud::UsGovL4),
        "us_gov_l5" => Ok(Cloud::UsGovL5),
        "china" => Err(
            "Microsoft Graph offers no presence APIs in the China (21Vianet) cloud; \
                        use global, us_gov_l4 or us_gov_l5"
                .to_owned(),
        ),
        _ => Err("use global, us_gov_l4 or us_gov_l5".to_owned()),
    }
}

/// `--user`: Graph's presence APIs take object IDs (GUIDs) only.
fn user_id(text: &str) -> Result<String, String> {
    let id = text.trim();
    let groups: Vec<&str> = id.split('-').collect();
    let shaped = groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, length)| {
            group.len() == length && group.chars().all(|c| c.is_ascii_hexdigit())
        });
    if shaped {
        Ok(id.to_ascii_lowercase())
    } else {
        Err(
            "not a user object ID; give the GUID from the Entra admin center (Users → the user \
             → Object ID), not a name or UPN"
                .to_owned(),
        )
    }
}

fn session_expiration(text: &str) -> Result<SessionExpiration, String> {
    SessionExpiration::parse(text).map_err(|err| err.to_string())
}

fn iso_duration(text: &str) -> Result<IsoDuration, String> {
    IsoDuration::parse(text).map_err(|err| err.to_string())
}

/// `presence clear --message` removes the message; it cannot set one.
fn empty_message(text: &str) -> Result<String, String> {
    if text.is_empty() {
        Ok(String::new())
    } else {
        Err(
            "clear takes no message text (`--message` alone, or `--message \"\"`); set a message \
             with `presence set --message TEXT`"
                .to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_means_tray() {
        let cli = Cli::try_parse_from(["presence-relay"]).expect("parses");
        assert!(cli.command.is_none());
    }

    #[test]
    fn json_is_global() {
        let cli =
            Cli::try_parse_from(["presence-relay", "config", "path", "--json"]).expect("parses");
        assert!(cli.json);
        assert!(matches!(
            cli.command,
            Some(Command::Config(ConfigCommand::Path))
        ));
    }

    #[test]
    fn bad_fault_specs_are_usage_errors() {
        let err = Cli::try_parse_from(["presence-relay", "simulator", "--faults", "rate=300"])
            .expect_err("rate over 100");
        assert_eq!(err.exit_code(), 2);
        let ok = Cli::try_parse_from([
            "presence-relay",
            "simulator",
            "--faults",
            "rate=30,codes=429+500,seed=7",
        ]);
        assert!(ok.is_ok(), "{ok:?}");
    }

    const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
    const CLIENT: &str = "11111111-2222-3333-4444-555555555555";

    fn usage_error(args: &[&str]) -> String {
        let mut line = vec!["presence-relay"];
        line.extend_from_slice(args);
        let err = Cli::try_parse_from(line).expect_err("a usage error");
        assert_eq!(err.exit_code(), 2, "{err}");
        err.to_string()
    }

    #[test]
    fn credentials_set_takes_exactly_one_credential() {
        let base = [
            "credentials",
            "set",
            "--tenant",
            "contoso.com",
            "--client-id",
            CLIENT,
        ];
        usage_error(&base);
        let both = [&base[..], &["--secret-stdin", "--certificate", "c.pfx"]].concat();
        usage_error(&both);
        let password_alone = [&base[..], &["--secret-stdin", "--password-stdin"]].concat();
        usage_error(&password_alone);
        let certificate = [&base[..], &["--certificate", "c.pfx", "--password-stdin"]].concat();
        let cli =
            Cli::try_parse_from([&["presence-relay"][..], &certificate].concat()).expect("parses");
        let Some(Command::Credentials(CredentialsCommand::Set(args))) = cli.command else {
            panic!("not credentials set");
        };
        assert_eq!(args.cloud, Cloud::Global);
        assert!(args.password_stdin && !args.secret_stdin);
        let china = usage_error(&[&base[..], &["--secret-stdin", "--cloud", "china"]].concat());
        assert!(china.contains("no presence APIs"), "{china}");
    }

    #[test]
    fn users_must_be_object_ids() {
        let err = usage_error(&["presence", "get", "--user", "adele@contoso.com"]);
        assert!(err.contains("not a user object ID"), "{err}");
        usage_error(&["presence", "get"]);
        let cli = Cli::try_parse_from([
            "presence-relay",
            "connection",
            "test",
            "--user",
            &USER.to_uppercase(),
        ])
        .expect("parses");
        let Some(Command::Connection(ConnectionCommand::Test(args))) = cli.command else {
            panic!("not connection test");
        };
        assert_eq!(args.users, [USER]);
    }

    #[test]
    fn presence_set_needs_a_pair_or_a_message_and_checks_values_and_durations() {
        usage_error(&["presence", "set", "--user", USER]);
        usage_error(&["presence", "set", "--user", USER, "--availability", "Busy"]);
        usage_error(&[
            "presence",
            "set",
            "--user",
            USER,
            "--assertive",
            "--message",
            "x",
        ]);
        let unknown = usage_error(&[
            "presence",
            "set",
            "--user",
            USER,
            "--availability",
            "Bussy",
            "--activity",
            "Busy",
        ]);
        assert!(unknown.contains("DoNotDisturb"), "{unknown}");
        let long = usage_error(&[
            "presence",
            "set",
            "--user",
            USER,
            "--message",
            "x",
            "--expires",
            "PT5H",
        ]);
        assert!(long.contains("PT5M to PT4H"), "{long}");
        let ok = Cli::try_parse_from([
            "presence-relay",
            "presence",
            "set",
            "--user",
            USER,
            "--message",
            "At lunch",
        ]);
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn presence_clear_message_takes_no_text_and_all_stands_alone() {
        let err = usage_error(&["presence", "clear", "--user", USER, "--message", "x"]);
        assert!(err.contains("takes no message text"), "{err}");
        usage_error(&["presence", "clear", "--user", USER, "--all", "--assertive"]);
        let bare = Cli::try_parse_from([
            "presence-relay",
            "presence",
            "clear",
            "--message",
            "--user",
            USER,
        ]);
        assert!(bare.is_ok(), "{bare:?}");
    }

    #[test]
    fn unknown_commands_are_usage_errors() {
        let err = Cli::try_parse_from(["presence-relay", "confgi"]).expect_err("typo");
        assert_eq!(err.exit_code(), 2);
    }
}
